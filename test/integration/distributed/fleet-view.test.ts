// getFleet, the Instances view's command, on real parts: two app instances (createApi) with one real redis-server
// see each other live, a closed one drops out, and without REDIS_URL (or with a bad one) the view says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApi, type ApiService } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { RealClock } from '../../../electron/engine/clock';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { keyHash } from '../../../electron/engine/quota-memory';
import { connectSharedQuota } from '../../../electron/engine/shared/shared-quota';
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

  it("reads the shared store: another instance's charges on the same key, the shared breaker and slots, by key hash", async () => {
    const env = { REDIS_URL: redis.url, GEMINI_API_KEY: 'fleet-view-gemini-key', GROQ_API_KEY: 'fleet-view-groq-key' };
    const a = await app('shared', env);
    const before = await a.getFleet({});
    const quota = before.shared?.quotas.find((q) => q.provider === 'gemini');
    expect(quota).toBeDefined();
    if (!quota) return;
    expect(quota.keyHash).toBe(keyHash(env.GEMINI_API_KEY));
    expect(JSON.stringify(before)).not.toContain(env.GEMINI_API_KEY); // a hash, never the key
    const rpm = quota.dims.find((d) => d.name === 'RPM');
    expect(rpm?.used).toBe(0);
    // Another instance (its own connections) charges the same key and model twice.
    const other = await connectSharedQuota(redis.url);
    try {
      const clock = new RealClock();
      const dims = [new SlidingLog('RPM', rpm?.limit ?? 1, rpm?.limit ?? 1, 60_000)];
      const store = other.storeFor('gemini', env.GEMINI_API_KEY, quota.model, dims, clock);
      for (let i = 0; i < 2; i++) expect((await store.acquire(1, clock.now())).ok).toBe(true);
      const after = await a.getFleet({});
      const seen = after.shared?.quotas.find((q) => q.provider === 'gemini' && q.model === quota.model);
      expect(seen?.dims.find((d) => d.name === 'RPM')?.used).toBe(2);
      expect(seen?.live).toBe(1); // the instances that asked for this quota: the other one (the app only read it)
      expect(after.shared?.providers.find((p) => p.provider === 'gemini')).toMatchObject({
        keyHash: keyHash(env.GEMINI_API_KEY),
        breaker: 'closed',
        slotsInUse: 0,
      });
    } finally {
      await other.close();
    }
  });

  it('without REDIS_URL: this instance alone, not shared; a bad REDIS_URL stops start-up with a message naming it', async () => {
    const alone = await (await app('alone', {})).getFleet({});
    expect(alone).toMatchObject({ sharedVia: null, redis: null, error: null });
    expect(alone.instances).toHaveLength(1);
    // The shared quota cannot be had, so the app must not start on a private one (docs/scale-out.md).
    await expect(app('bad', { REDIS_URL: 'http://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL must start with redis:\/\//);
  });
});
