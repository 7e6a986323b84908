// The redis-server helper itself: a real server on a free loopback port, gone after kill, back empty after restart.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

describeWithRedis('redis-server test helper', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const client = () => {
    const c = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined); // a refused connect is asserted through connect()'s rejection
    return c;
  };

  it('listens on loopback, keeps nothing on disk, and comes back empty on the same port after SIGKILL', async () => {
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const a = client();
    await a.connect();
    await a.set('k', 'v');
    expect(await a.get('k')).toBe('v');
    expect(await a.config('GET', 'save')).toEqual(['save', '']);
    expect(await a.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    a.disconnect();

    const pid = server.pid();
    expect(pid).toBeGreaterThan(0);
    await server.kill();
    expect(server.pid()).toBeNull();
    const down = client();
    await expect(down.connect()).rejects.toThrow();
    down.disconnect();

    await server.restart();
    expect(server.pid()).not.toBe(pid);
    const b = client();
    await b.connect();
    expect(await b.get('k')).toBeNull();
    b.disconnect();
  });
});
