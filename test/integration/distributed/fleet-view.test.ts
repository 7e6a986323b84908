// getFleet, the Instances view's command, on real parts: two app instances (createApi) with one real redis-server
// see each other live, a closed one drops out, and without REDIS_URL (or with a bad one) the view says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApi, type ApiService } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

let dir: string;
let redis: RedisServer;
const open: ApiService[] = [];

async function app(name: string, env: Record<string, string>): Promise<ApiService> {
  const home = join(dir, name);
  const api = await createApi({
    userDataDir: home,
    vault: new FileKeyVault(home),
    env: { STAGGER_ENABLED: 'false', ...env },
    simulatorTimeScale: 0.01,
  });
  open.push(api);
  return api;
}

describeWithRedis('the Instances view (getFleet)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ev-fleet-view-'));
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(open.map((a) => a.close()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two apps on one Redis see each other, shared via Redis; a closed one drops out', async () => {
    const a = await app('a', { REDIS_URL: redis.url });
    const b = await app('b', { REDIS_URL: redis.url });
    await expect.poll(async () => (await a.getFleet({})).instances.length, { timeout: 20_000 }).toBe(2);
    const seen = await b.getFleet({});
    expect(seen).toMatchObject({ sharedVia: 'redis', redis: `127.0.0.1:${redis.port}`, error: null });
    expect(seen.instances.map((i) => i.role)).toEqual(['app', 'app']);
    expect(
      seen.instances.every(
        (i) =>
          i.pid === process.pid &&
          i.providers
            .map((p) => p.provider)
            .sort()
            .join() === 'gemini,groq',
      ),
    ).toBe(true);
    await b.close();
    open.splice(open.indexOf(b), 1);
    expect((await a.getFleet({})).instances).toHaveLength(1);
  });

  it('without REDIS_URL: this instance alone, not shared; a bad REDIS_URL stops start-up with a message naming it', async () => {
    const alone = await (await app('alone', {})).getFleet({});
    expect(alone).toMatchObject({ sharedVia: null, redis: null, error: null });
    expect(alone.instances).toHaveLength(1);
    // The shared quota cannot be had, so the app must not start on a private one (docs/scale-out.md).
    await expect(app('bad', { REDIS_URL: 'http://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL must start with redis:\/\//);
  });
});
