// Concurrency leases in Redis (docs/scale-out.md "Concurrency leases"): one ZSET of lease ids scored by their expiry
// in Redis TIME, so a lease runs out by the server's clock whatever a (suspended or skewed) client believes.
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { LeaseGrant, LeaseRefusal, LeaseStore } from './lease-store';
import type { WakeBus } from './wake-bus';
import { defineScripts } from './define-scripts';
import { EventBus } from '../events';

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slots = KEYS[1] .. ':slots'
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
`;

/** take: ARGV[1] limit, ARGV[2] lease ms. {1, id, now, expiry} or {0, first expiry, now}. */
const TAKE = `${NOW}
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
if redis.call('ZCARD', slots) >= limit then
  local first = redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')
  return { 0, first[2], tostring(now) }
end
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

/** release: ARGV[1] id. A slot freed early wakes the waiting instances. */
const RELEASE = `${NOW}
if redis.call('ZREM', slots, ARGV[1]) == 1 then redis.call('PUBLISH', KEYS[1] .. ':slotfree', '1') end
return 1
`;

/** count: the slots held now (expired leases dropped first). */
const COUNT = `${NOW}
return redis.call('ZCARD', slots)
`;

interface LeaseCommands {
  evLeaseTake(prefix: string, limit: number, leaseMs: number): Promise<(string | number)[]>;
  evLeaseRenew(prefix: string, id: string, leaseMs: number): Promise<number>;
  evLeaseHeld(prefix: string, id: string): Promise<number>;
  evLeaseRelease(prefix: string, id: string): Promise<number>;
  evLeaseCount(prefix: string): Promise<number>;
}

export class RedisLeaseStore implements LeaseStore {
  private readonly redis: Redis & LeaseCommands;
  private readonly listeners = new EventBus<void>();

  /** `prefix`: the (provider, key) prefix, one {hash tag} (providerKeyPrefix). */
  constructor(
    redis: Redis,
    bus: WakeBus,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {
    this.redis = defineScripts<LeaseCommands>(redis, {
      evLeaseTake: TAKE,
      evLeaseRenew: RENEW,
      evLeaseHeld: HELD,
      evLeaseRelease: RELEASE,
      evLeaseCount: COUNT,
    });
    bus.subscribe(`${prefix}:slotfree`, () => this.listeners.emit());
  }

  async take(limit: number, leaseMs: number): Promise<LeaseGrant | LeaseRefusal> {
    const r = await this.redis.evLeaseTake(this.prefix, limit, leaseMs);
    const offset = Number(r[2]) - this.clock.now(); // server minus local time: the gate's timer is local
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

  /** Fleet-wide calls holding a slot of this (provider, key) now (the Instances view). */
  async inUse(): Promise<number> {
    return Number(await this.redis.evLeaseCount(this.prefix));
  }

  onFree(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}
