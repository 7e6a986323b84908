// The fleet's learned rate in Redis (docs/scale-out.md "Shared rate"): one hash per (provider, key); the factor's
// compare-and-set, the caps' only-lower and the operator's clear are scripts; every change publishes on `…:rate`.
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { FleetRate, MinuteCaps, RateStore } from './rate-store';
import { RedisStore } from './redis-store';
import type { WakeBus } from './wake-bus';

const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local R = KEYS[1] .. ':rate'
local function state()
  local h = redis.call('HMGET', R, 'gen', 'factor', 'decreasedAt', 'RPM', 'TPM')
  return { h[1] or '0', h[2] or '1', h[3] or '', h[4] or '', h[5] or '', tostring(now) }
end
local function changed() redis.call('PUBLISH', R, '1') end
`;

const READ = `${COMMON}
return state()
`;

/** setFactor: ARGV[1] expected generation, ARGV[2] factor, ARGV[3] '1' for a decrease. {1|0, state...}. */
const SET_FACTOR = `${COMMON}
local ok = 0
if tostring(redis.call('HGET', R, 'gen') or '0') == ARGV[1] then
  redis.call('HSET', R, 'gen', tonumber(ARGV[1]) + 1, 'factor', ARGV[2])
  if ARGV[3] == '1' then redis.call('HSET', R, 'decreasedAt', tostring(now)) end
  changed()
  ok = 1
end
local s = state()
table.insert(s, 1, ok)
return s
`;

/** cap: ARGV[1] 'RPM' | 'TPM' | '' (clear both), ARGV[2] limit. A cap only lowers. */
const CAP = `${COMMON}
if ARGV[1] == '' then
  if redis.call('HDEL', R, 'RPM', 'TPM') > 0 then changed() end
else
  local held = tonumber(redis.call('HGET', R, ARGV[1]) or '')
  if held == nil or tonumber(ARGV[2]) < held then
    redis.call('HSET', R, ARGV[1], ARGV[2])
    changed()
  end
end
return state()
`;

interface RateCommands {
  evRateRead(prefix: string): Promise<string[]>;
  evRateSetFactor(prefix: string, ...args: (string | number)[]): Promise<(string | number)[]>;
  evRateCap(prefix: string, ...args: (string | number)[]): Promise<string[]>;
}

export class RedisRateStore extends RedisStore<RateCommands> implements RateStore {
  constructor(redis: Redis, bus: WakeBus, prefix: string, clock: Clock) {
    super(redis, bus, prefix, clock, { evRateRead: READ, evRateSetFactor: SET_FACTOR, evRateCap: CAP });
    this.listen(':rate');
  }

  /** gen, factor, decreasedAt, RPM cap, TPM cap, server now. */
  private parse(r: (string | number)[]): FleetRate {
    const [gen, factor, decreasedAt, rpm, tpm, serverNow] = r.map(String);
    const offset = this.offset(serverNow);
    const caps: MinuteCaps = {};
    if (rpm) caps.RPM = Number(rpm);
    if (tpm) caps.TPM = Number(tpm);
    return {
      generation: Number(gen),
      factor: Number(factor),
      decreasedAt: decreasedAt ? Number(decreasedAt) - offset : Number.NEGATIVE_INFINITY,
      caps,
    };
  }

  async read(): Promise<FleetRate> {
    return this.parse(await this.redis.evRateRead(this.prefix));
  }

  async setFactor(expected: number, factor: number, decrease: boolean): Promise<{ ok: boolean; current: FleetRate }> {
    const r = await this.redis.evRateSetFactor(this.prefix, expected, String(factor), decrease ? '1' : '0');
    return { ok: Number(r[0]) === 1, current: this.parse(r.slice(1)) };
  }

  async lowerCap(name: 'RPM' | 'TPM', limit: number): Promise<FleetRate> {
    return this.parse(await this.redis.evRateCap(this.prefix, name, String(limit)));
  }

  async clearCaps(): Promise<FleetRate> {
    return this.parse(await this.redis.evRateCap(this.prefix, '', '0'));
  }

  onChange(listener: () => void): () => void {
    return this.onMessage(listener);
  }
}
