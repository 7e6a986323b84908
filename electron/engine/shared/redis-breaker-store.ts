// The fleet's breaker in Redis (docs/scale-out.md "Shared breaker"): a hash with a generation that only the SET
// script's compare-and-set changes, a ZSET of votes and one of live instances (scored by Redis TIME), and the one
// half-open probe as `SET NX PX`. An opening publishes on `…:breaker` so every instance stops at once; a closing wakes
// the instances that saw it open one after another, in the order they first did (waiter-queue.ts).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TripCause } from '../../../shared/telemetry';
import type { Clock } from '../clock';
import { BREAKER_LIVE_MS, type BreakerStore, type FleetBreaker, type FleetChange } from './breaker-store';
import { RedisStore } from './redis-store';
import type { WakeBus } from './wake-bus';
import { WAITER_QUEUE } from './waiter-queue';
import { BREAKER_RECHECK_MS } from './breaker-sync';

/** A waiter's place lapses this long after its last read (it reads every BREAKER_RECHECK_MS). */
const WAITER_TTL_MS = 3 * BREAKER_RECHECK_MS;

const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local B = KEYS[1] .. ':breaker'
local function seen(instance, liveMs)
  redis.call('ZADD', B .. ':live', now, instance)
  redis.call('ZREMRANGEBYSCORE', B .. ':live', '-inf', now - liveMs)
end
local function state()
  local h = redis.call('HMGET', B, 'gen', 'state', 'until', 'forced', 'cause', 'trip')
  return { h[1] or '0', h[2] or 'closed', h[3] or '', h[4] or '0', h[5] or '', h[6] or '', tostring(now) }
end
${WAITER_QUEUE}
-- ARGV from 'from': state, cooldown ms ('' = none), forced, cause, trip cause. An opening is told to everyone at once
-- (each stops sending); a closing wakes the first of the instances that saw it open, and each one's read wakes the next.
local function write(from)
  local gen = tonumber(redis.call('HGET', B, 'gen') or '0') + 1
  local untilMs = ''
  if ARGV[from + 1] ~= '' then untilMs = tostring(now + tonumber(ARGV[from + 1])) end
  redis.call('HSET', B, 'gen', gen, 'state', ARGV[from], 'until', untilMs, 'forced', ARGV[from + 2], 'cause', ARGV[from + 3],
    'trip', ARGV[from + 4])
  redis.call('DEL', B .. ':votes', B .. ':probe')
  if ARGV[from] == 'closed' then queueWake(B) else redis.call('PUBLISH', B, tostring(gen)) end
end
`;

/**
 * read: ARGV[1] instance, ARGV[2] live ms, ARGV[3] waiter id, ARGV[4] its entry's lapse ms. Open: the waiter queues
 * (first-come, waiter-queue.ts, base key `…:breaker`); closed: it leaves and the next waiter is woken.
 */
const READ = `${COMMON}
seen(ARGV[1], tonumber(ARGV[2]))
if (redis.call('HGET', B, 'state') or 'closed') == 'open' then
  queueJoin(B, ARGV[3], tonumber(ARGV[4]), 1)
else
  queueLeave(B, ARGV[3])
  queueWake(B)
end
return state()
`;

/** vote: ARGV[1] instance, ARGV[2] live ms, ARGV[3] window ms, then a change at 4. Quorum: more than half the live (breaker-store.ts). */
const VOTE = `${COMMON}
seen(ARGV[1], tonumber(ARGV[2]))
redis.call('ZADD', B .. ':votes', now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', B .. ':votes', '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', B .. ':votes', tonumber(ARGV[3]))
local live = redis.call('ZCARD', B .. ':live')
local votes = redis.call('ZCARD', B .. ':votes')
local quorum = math.floor(math.max(1, live) / 2) + 1
if (redis.call('HGET', B, 'state') or 'closed') == 'closed' and votes >= quorum then write(4) end
return state()
`;

/** set: ARGV[1] expected generation, then a change at 2. {1|0, state...}. */
const SET = `${COMMON}
if tostring(redis.call('HGET', B, 'gen') or '0') ~= ARGV[1] then
  local s = state()
  table.insert(s, 1, 0)
  return s
end
write(2)
local s = state()
table.insert(s, 1, 1)
return s
`;

/**
 * probe: ARGV[1] instance, ARGV[2] ttl ms, ARGV[3] waiter id. Only while open with its cooldown over; one holder
 * fleet-wide, and only the first waiter in line (a later one wakes it: it may have missed its turn).
 */
const PROBE = `${COMMON}
local h = redis.call('HMGET', B, 'state', 'until')
if h[1] ~= 'open' or h[2] == false or h[2] == '' or tonumber(h[2]) > now then return 0 end
queuePrune(B)
local head = queueHead(B)
if head and head ~= ARGV[3] then
  queueWake(B)
  return 0
end
if redis.call('SET', B .. ':probe', ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
return 0
`;

interface BreakerCommands {
  evBreakerRead(prefix: string, ...args: (string | number)[]): Promise<string[]>;
  evBreakerVote(prefix: string, ...args: (string | number)[]): Promise<string[]>;
  evBreakerSet(prefix: string, ...args: (string | number)[]): Promise<(string | number)[]>;
  evBreakerProbe(prefix: string, ...args: (string | number)[]): Promise<number>;
}

function changeArgs(c: FleetChange): string[] {
  return [c.state, c.cooldownMs === null ? '' : String(Math.max(0, Math.round(c.cooldownMs))), c.forced ? '1' : '0', c.cause, c.tripCause ?? ''];
}

export class RedisBreakerStore extends RedisStore<BreakerCommands> implements BreakerStore {
  /** This store's id in the queue of instances waiting for the breaker to close or probe. */
  readonly waiterId = randomUUID();

  constructor(redis: Redis, bus: WakeBus, prefix: string, clock: Clock) {
    super(redis, bus, prefix, clock, { evBreakerRead: READ, evBreakerVote: VOTE, evBreakerSet: SET, evBreakerProbe: PROBE });
    this.listen(':breaker');
    this.listen(`:breaker:wake:${this.waiterId}`);
  }

  /** gen, state, until, forced, cause, trip, server now: into local time. */
  private parse(r: (string | number)[]): FleetBreaker {
    const [gen, state, until, forced, cause, trip, serverNow] = r.map(String);
    const offset = this.offset(serverNow);
    return {
      generation: Number(gen),
      state: state === 'open' ? 'open' : 'closed',
      until: until ? Number(until) - offset : null,
      forced: forced === '1',
      cause: cause ?? '',
      tripCause: trip ? (trip as TripCause) : null,
    };
  }

  async read(instance: string): Promise<FleetBreaker> {
    return this.parse(await this.redis.evBreakerRead(this.prefix, instance, BREAKER_LIVE_MS, this.waiterId, WAITER_TTL_MS));
  }

  async vote(instance: string, windowMs: number, change: FleetChange): Promise<FleetBreaker> {
    return this.parse(await this.redis.evBreakerVote(this.prefix, instance, BREAKER_LIVE_MS, windowMs, ...changeArgs(change)));
  }

  async set(expected: number, change: FleetChange): Promise<{ ok: boolean; current: FleetBreaker }> {
    const r = await this.redis.evBreakerSet(this.prefix, expected, ...changeArgs(change));
    return { ok: Number(r[0]) === 1, current: this.parse(r.slice(1)) };
  }

  async claimProbe(instance: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.evBreakerProbe(this.prefix, instance, Math.max(1, Math.round(ttlMs)), this.waiterId)) === 1;
  }

  onChange(listener: () => void): () => void {
    return this.onMessage(listener);
  }
}
