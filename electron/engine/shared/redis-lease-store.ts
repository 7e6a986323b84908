// Concurrency leases in Redis (docs/scale-out.md "Concurrency leases"): one ZSET of lease ids scored by their expiry
// in Redis TIME, so a lease runs out by the server's clock whatever a (suspended or skewed) client believes. The
// instances waiting for a slot queue in first-come order (waiter-queue.ts, base key `…:slots`): a freed slot wakes the
// next waiter only.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { LeaseGrant, LeaseRefusal, LeaseStore } from './lease-store';
import { RedisStore } from './redis-store';
import type { WakeBus } from './wake-bus';
import { WAITER_QUEUE } from './waiter-queue';
import { LEASE_RECHECK_MS } from './slot-gate';

/** A waiter's place lapses this long after its last ask (it asks every LEASE_RECHECK_MS while it waits). */
const WAITER_TTL_MS = 3 * LEASE_RECHECK_MS;

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slots = KEYS[1] .. ':slots'
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
${WAITER_QUEUE}
`;

/**
 * take: ARGV[1] limit, ARGV[2] lease ms, ARGV[3] waiter id, ARGV[4] its entry's lapse ms, ARGV[5] '1' if the waiter has
 * more takes waiting (it keeps its place). {1, id, now, expiry} or {0, when to ask again, now}. A waiter behind others is
 * granted only if the free slots cover everyone ahead of it too: nobody ahead loses its turn.
 */
const TAKE = `${NOW}
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local waiter, waiterTtl = ARGV[3], tonumber(ARGV[4])
queuePrune(slots)
local free = limit - redis.call('ZCARD', slots)
if free <= queueRank(slots, waiter) then
  queueJoin(slots, waiter, waiterTtl, 1)
  if free > 0 then
    queueWake(slots) -- a slot is free for someone ahead: the head may have missed its wake-up
    return { 0, tostring(now + waiterTtl), tostring(now) }
  end
  local first = redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')
  return { 0, first[2], tostring(now) }
end
if ARGV[5] == '1' then queueJoin(slots, waiter, waiterTtl, 1) else queueLeave(slots, waiter) end
if free > 1 then queueWake(slots) end -- what is left may fit the next
local id = tostring(redis.call('INCR', KEYS[1] .. ':slotseq'))
redis.call('ZADD', slots, now + lease, id)
-- The set outlives its longest lease (only ever extended: a short lease must not expire the others').
if redis.call('PTTL', slots) < lease then redis.call('PEXPIRE', slots, lease) end
return { 1, id, tostring(now), tostring(now + lease) }
`;

/** renew: ARGV[1] id, ARGV[2] lease ms. 1 if still held (and extended), 0 if it had run out: it is never revived. */
const RENEW = `${NOW}
if redis.call('ZSCORE', slots, ARGV[1]) == false then return 0 end
local lease = tonumber(ARGV[2])
redis.call('ZADD', slots, now + lease, ARGV[1])
if redis.call('PTTL', slots) < lease then redis.call('PEXPIRE', slots, lease) end
return 1
`;

/** held: ARGV[1] id. */
const HELD = `${NOW}
if redis.call('ZSCORE', slots, ARGV[1]) == false then return 0 end
return 1
`;

/** release: ARGV[1] id. A slot freed early wakes the next waiter. */
const RELEASE = `${NOW}
if redis.call('ZREM', slots, ARGV[1]) == 1 then queueWake(slots) end
return 1
`;

/** leave: ARGV[1] waiter id. Nothing left to wait for: its place goes, and the next is woken if it was the head. */
const LEAVE = `${NOW}
queueQuit(slots, ARGV[1])
return 1
`;

/** count: the slots held now (expired leases dropped first). */
const COUNT = `${NOW}
return redis.call('ZCARD', slots)
`;

interface LeaseCommands {
  evLeaseTake(prefix: string, ...args: (string | number)[]): Promise<(string | number)[]>;
  evLeaseRenew(prefix: string, id: string, leaseMs: number): Promise<number>;
  evLeaseHeld(prefix: string, id: string): Promise<number>;
  evLeaseRelease(prefix: string, id: string): Promise<number>;
  evLeaseLeave(prefix: string, waiter: string): Promise<number>;
  evLeaseCount(prefix: string): Promise<number>;
}

export class RedisLeaseStore extends RedisStore<LeaseCommands> implements LeaseStore {
  /** This store's id in the slots' waiter queue (every waiting call of this instance asks under it). */
  readonly waiterId = randomUUID();
  /** The last reply left this store in the waiter queue. */
  private queued = false;

  constructor(redis: Redis, bus: WakeBus, prefix: string, clock: Clock) {
    const scripts = { evLeaseTake: TAKE, evLeaseRenew: RENEW, evLeaseHeld: HELD, evLeaseRelease: RELEASE, evLeaseLeave: LEAVE, evLeaseCount: COUNT };
    super(redis, bus, prefix, clock, scripts);
    this.listen(`:slots:wake:${this.waiterId}`);
  }

  async take(limit: number, leaseMs: number, more = false): Promise<LeaseGrant | LeaseRefusal> {
    const r = await this.redis.evLeaseTake(this.prefix, limit, leaseMs, this.waiterId, WAITER_TTL_MS, more ? '1' : '0');
    this.queued = r[0] !== 1 || more;
    const offset = this.offset(r[2]); // the gate's timer is local
    if (r[0] === 1) return { ok: true, id: String(r[1]), expiresAt: Number(r[3]) - offset };
    return { ok: false, at: Number(r[1]) - offset };
  }

  async renew(id: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.evLeaseRenew(this.prefix, id, leaseMs)) === 1;
  }

  async held(id: string): Promise<boolean> {
    return (await this.redis.evLeaseHeld(this.prefix, id)) === 1;
  }

  async release(id: string): Promise<void> {
    await this.redis.evLeaseRelease(this.prefix, id);
  }

  leave(): void {
    if (!this.queued) return;
    this.queued = false;
    this.redis.evLeaseLeave(this.prefix, this.waiterId).catch(() => undefined); // else its entry lapses by itself
  }

  /** Fleet-wide calls holding a slot of this (provider, key) now (the Instances view). */
  async inUse(): Promise<number> {
    return Number(await this.redis.evLeaseCount(this.prefix));
  }

  onFree(listener: () => void): () => void {
    return this.onMessage(listener);
  }
}
