// A real redis-server for one test file: no persistence, loopback only, on a free port. Tests that need Redis start
// their own (never a shared or fixed-port one) and skip with a clear message only where the binary is absent.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { connectSharedQuota, type SharedQuota } from '../../electron/engine/shared/shared-quota';
import { redisSkipReason, startRedisServer, type RedisServer } from './redis-process';

export { freePort, redisSkipReason, startRedisServer, type RedisServer, type RedisServerOptions } from './redis-process';

if (redisSkipReason) console.warn(`[redis] skipped: ${redisSkipReason}`);

/** `describe`, skipped with the reason in its title where redis-server is absent. */
export function describeWithRedis(name: string, body: () => void): void {
  describe.skipIf(redisSkipReason !== null)(redisSkipReason ? `${name} (skipped: ${redisSkipReason})` : name, body);
}

/**
 * One redis-server per test file and the shared-quota connections a test opens on it, closed after each test. Call it
 * at the top of a `describeWithRedis` block; `key()` gives each test a fresh API key, so fresh Redis keys.
 */
export function sharedQuotaFixture(keyPrefix: string) {
  let server: RedisServer | undefined;
  const own: RedisServer[] = [];
  const open: SharedQuota[] = [];
  const raw: Redis[] = [];
  let n = 0;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
    for (const r of raw.splice(0)) r.disconnect();
    await Promise.all(own.splice(0).map((o) => o.stop()));
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = (): RedisServer => {
    if (!server) throw new Error('redis-server has not started');
    return server;
  };
  return {
    server: running,
    open,
    key: () => `${keyPrefix}-${++n}`,
    /** A plain connection of the test's own (to read keys or subscribe), closed after the test. */
    connect(): Redis {
      const r = new Redis(running().url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
      raw.push(r);
      return r;
    },
    /** A redis-server of the test's own, for a test that kills or restarts it; stopped after the test. */
    async ownServer(): Promise<RedisServer> {
      const o = await startRedisServer();
      own.push(o);
      return o;
    },
    async instance(): Promise<SharedQuota> {
      const q = await connectSharedQuota(running().url);
      open.push(q);
      return q;
    },
  };
}
