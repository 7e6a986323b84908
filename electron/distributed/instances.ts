// The fleet's instance registry (docs/scale-out.md "Distributed runs"): every coordinator, worker and app with
// REDIS_URL set writes a heartbeat into one Redis hash, stamped with Redis TIME (machines' clocks can be seconds
// apart); a reader keeps the entries seen within the liveness window and drops the rest (a killed instance).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FleetInstance, ProviderSnapshot } from '../../shared/telemetry';
import type { Clock } from '../engine/clock';
import { FLEET_PREFIX } from './protocol';

const REGISTRY = `${FLEET_PREFIX}:instances`;
export const HEARTBEAT_MS = 2_000;
/** Five missed heartbeats (a loaded machine may be late with one or two): the instance is gone. */
const LIVENESS_MS = 5 * HEARTBEAT_MS;

export async function redisNow(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

export function newInstanceId(role: FleetInstance['role']): string {
  return `${role}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function providerShares(snapshots: readonly ProviderSnapshot[]): FleetInstance['providers'] {
  return snapshots.map((p) => ({
    provider: p.provider,
    inFlight: p.inFlight,
    rpm: p.rpm,
    rpmLimit: p.rpmLimit,
    tpm: p.tpm,
    breaker: p.breaker.state,
    pausedUntil: p.pausedUntil,
    exhaustedUntil: p.exhaustedUntil,
  }));
}

export interface Heartbeat {
  readonly id: string;
  stop(): Promise<void>;
}

/** Beat now and every HEARTBEAT_MS until stopped; a failed beat is retried on the next tick (Redis may be restarting). */
export function startHeartbeat(
  redis: Redis,
  clock: Clock,
  id: string,
  describe: () => Omit<FleetInstance, 'id' | 'seenAt' | 'host' | 'pid' | 'startedAt' | 'role'>,
  role: FleetInstance['role'],
): Heartbeat {
  const startedAt = clock.now();
  let cancel: (() => void) | null = null;
  let stopped = false;
  const beat = async () => {
    const entry: FleetInstance = { id, role, host: hostname(), pid: process.pid, startedAt, seenAt: await redisNow(redis), ...describe() };
    await redis.hset(REGISTRY, id, JSON.stringify(entry));
  };
  const tick = () => {
    void beat()
      .catch(() => {})
      .finally(() => {
        if (!stopped) cancel = clock.setTimer(HEARTBEAT_MS, tick, { background: true });
      });
  };
  tick();
  return {
    id,
    async stop() {
      stopped = true;
      cancel?.();
      await redis.hdel(REGISTRY, id).catch(() => {});
    },
  };
}

/** The live instances, oldest first; stale entries are removed on the way. */
export async function liveInstances(redis: Redis): Promise<FleetInstance[]> {
  const [raw, now] = await Promise.all([redis.hgetall(REGISTRY), redisNow(redis)]);
  const live: FleetInstance[] = [];
  const stale: string[] = [];
  for (const [id, json] of Object.entries(raw)) {
    let entry: FleetInstance | null = null;
    try {
      entry = JSON.parse(json) as FleetInstance;
    } catch {
      entry = null;
    }
    if (entry && now - entry.seenAt <= LIVENESS_MS) live.push(entry);
    else stale.push(id);
  }
  if (stale.length > 0) await redis.hdel(REGISTRY, ...stale);
  return live.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
}
