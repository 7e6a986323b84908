// The per-submission checkpoint on a real redis-server: the first finished result wins (a redelivered chunk or a
// worker back from a stall cannot replace it), and finished() tells a redelivered chunk what to skip.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Checkpoint } from '../../../electron/distributed/checkpoint';
import { connectRedis } from '../../../electron/distributed/redis';
import type { SubmissionResult } from '../../../shared/domain';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

let server: RedisServer;
let redis: Redis;
const result = (id: string, score: number) => ({ submissionId: id, score, status: 'Accepted', rules: [] }) as unknown as SubmissionResult;

describeWithRedis('checkpoint', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    redis = connectRedis(new URL(server.url));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('first result wins; finished() names exactly the stored ids; runs are kept apart; clear() empties the run', async () => {
    const a = new Checkpoint(redis, 'run-a');
    const b = new Checkpoint(redis, 'run-b');
    expect(await a.put(result('s1', 80))).toBe(true);
    expect(await a.put(result('s1', 10))).toBe(false);
    expect((await a.get('s1'))?.score).toBe(80);
    expect([...(await a.finished(['s1', 's2']))]).toEqual(['s1']);
    expect((await b.finished(['s1'])).size).toBe(0);
    expect(await redis.ttl('ev:fleet:checkpoint:{run-a}')).toBeGreaterThan(0);
    await a.put(result('s2', 50));
    expect([...(await a.all()).keys()].sort()).toEqual(['s1', 's2']);
    await a.clear();
    expect((await a.all()).size).toBe(0);
  });
});
