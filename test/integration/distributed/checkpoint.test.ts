// The per-submission checkpoint and claim on a real redis-server: one attempt at a time holds a submission; the
// first committed result wins (a redelivered chunk or a worker back from a stall cannot replace it); finished() tells
// a redelivered chunk what to skip; and a holder suspended past its lease may call no more while another takes over.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Checkpoint } from '../../../electron/distributed/checkpoint';
import { SubmissionClaims } from '../../../electron/distributed/claim';
import { connectRedis } from '../../../electron/distributed/redis';
import { RealClock } from '../../../electron/engine/clock';
import type { SubmissionResult } from '../../../shared/domain';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

let server: RedisServer;
let redis: Redis;
const clock = new RealClock();
const result = (id: string, score: number) => ({ submissionId: id, score, status: 'Accepted', rules: [] }) as unknown as SubmissionResult;
const open = () => new AbortController().signal;

/** Blocks this process's event loop, as a SIGSTOP or a busy loop would: no timer, no reply is handled meanwhile. */
function stall(ms: number): void {
  for (const end = Date.now() + ms; Date.now() < end;);
}

describeWithRedis('checkpoint and submission claims', () => {
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
    const w1 = new SubmissionClaims(redis, a, 'w1', clock, 10_000);
    const c1 = await w1.take('s1', open());
    expect(await c1?.commit(result('s1', 80))).toBe(true);
    // A late attempt that evaluated the same row anyway (it cannot claim it now: it is done) does not replace it.
    expect(await w1.take('s1', open())).toBeNull();
    expect(await w1.commit(c1 as NonNullable<typeof c1>, result('s1', 10))).toBe(false);
    expect((await a.get('s1'))?.score).toBe(80);
    expect([...(await a.finished(['s1', 's2']))]).toEqual(['s1']);
    expect((await b.finished(['s1'])).size).toBe(0);
    expect(await redis.ttl(a.key)).toBeGreaterThan(0);
    await (await w1.take('s2', open()))?.commit(result('s2', 50));
    expect([...(await a.all()).keys()].sort()).toEqual(['s1', 's2']);
    expect(await redis.keys('ev:fleet:{run-a}:claim:*'), 'commits leave no claim behind').toEqual([]);
    await a.clear();
    expect((await a.all()).size).toBe(0);
  });

  it('one holder at a time: a second attempt waits while the first holds, then skips the row the first committed', async () => {
    const cp = new Checkpoint(redis, 'run-wait');
    const first = await new SubmissionClaims(redis, cp, 'w1', clock, 10_000).take('s1', open());
    expect(first?.mayCall()).toBe(true);
    let settled = false;
    const second = new SubmissionClaims(redis, cp, 'w2', clock, 10_000).take('s1', open()).finally(() => (settled = true));
    await clock.sleep(300);
    expect(settled, 'the second attempt waits while the first holds the claim').toBe(false);
    await first?.commit(result('s1', 70));
    expect(await second, 'the first committed: nothing left to call').toBeNull();
  });

  it('a released claim is taken by the next attempt; the same worker redelivered is another owner', async () => {
    const cp = new Checkpoint(redis, 'run-release');
    const a = await new SubmissionClaims(redis, cp, 'w1', clock, 10_000).take('s1', open());
    const ac = new AbortController();
    const again = new SubmissionClaims(redis, cp, 'w1', clock, 10_000).take('s1', ac.signal);
    await clock.sleep(200);
    await a?.release();
    const b = await again;
    expect(b?.owner).not.toBe(a?.owner);
    expect(await redis.get(cp.relatedKey('claim:s1'))).toBe(b?.owner);
    await b?.release();
    expect(await redis.exists(cp.relatedKey('claim:s1'))).toBe(0);
  });

  it('a holder stalled past its lease may call no more, and another attempt takes the row over', async () => {
    const cp = new Checkpoint(redis, 'run-stall');
    const ttl = 400;
    const a = await new SubmissionClaims(redis, cp, 'w1', clock, ttl).take('s1', open());
    expect(a?.mayCall()).toBe(true);
    stall(3 * ttl);
    // Checked before any timer or reply runs after the stall, exactly where a provider call would be sent next.
    expect(a?.mayCall()).toBe(false);
    expect(a?.signal.aborted).toBe(true);
    expect(String(a?.signal.reason)).toContain('lapsed');
    const b = await new SubmissionClaims(redis, cp, 'w2', clock, 10_000).take('s1', open());
    expect(b?.mayCall()).toBe(true);
    await clock.sleep(ttl); // a's renewal timer, had it survived, would have fired by now
    expect(await redis.get(cp.relatedKey('claim:s1')), 'the lapsed holder does not win the claim back').toBe(b?.owner);
    expect(a?.mayCall()).toBe(false);
    await b?.release();
  });

  it("renewal keeps a live holder's claim past its lease while it evaluates", async () => {
    const cp = new Checkpoint(redis, 'run-renew');
    const ttl = 3_000;
    const a = await new SubmissionClaims(redis, cp, 'w1', clock, ttl).take('s1', open());
    const ac = new AbortController();
    const other = new SubmissionClaims(redis, cp, 'w2', clock, ttl).take('s1', ac.signal);
    await clock.sleep(ttl + 1_000);
    expect(a?.mayCall()).toBe(true);
    expect(await redis.get(cp.relatedKey('claim:s1'))).toBe(a?.owner);
    ac.abort(new Error('test over'));
    await expect(other).rejects.toThrow('test over');
    await a?.release();
  });
});
