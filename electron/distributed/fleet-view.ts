// The Instances view's source (docs/scale-out.md "Distributed runs"). With REDIS_URL set, this app heartbeats into
// the fleet registry like any worker and reads every live instance back; without it, the fleet is this instance
// alone and the view says the quota is not shared. A Redis that cannot be read is shown, never thrown at the UI.
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { FleetInstance, FleetSnapshot } from '../../shared/telemetry';
import type { Clock } from '../engine/clock';
import type { Engine } from '../engine/engine';
import { liveInstances, newInstanceId, providerShares, startHeartbeat, type Heartbeat } from './instances';
import { describeRedis, redisUrlFrom } from '../redis-url';
import { connectRedis } from './redis';
import type { SharedQuota } from '../engine/shared/shared-quota';

export interface FleetView {
  snapshot(): Promise<FleetSnapshot>;
  close(): Promise<void>;
}

export function openFleetView(opts: {
  env: Record<string, string | undefined>;
  clock: Clock;
  engine: Engine;
  /** Batches this instance runs now, and submissions it finished. */
  counts: () => { active: number; finished: number };
  /** This instance's shared stores (REDIS_URL set), whose state in Redis the view shows. */
  shared?: Pick<SharedQuota, 'state'> | null;
}): FleetView {
  const { clock, engine } = opts;
  const id = newInstanceId('app');
  const startedAt = clock.now();
  const describe = () => ({ ...opts.counts(), providers: providerShares(engine.providerSnapshots()) });
  const self = (): FleetInstance => ({ id, role: 'app', host: hostname(), pid: process.pid, startedAt, seenAt: clock.now(), ...describe() });
  const alone = (error: string | null, redis: string | null): FleetSnapshot => ({
    at: clock.now(),
    sharedVia: redis ? 'redis' : null,
    redis,
    instances: [self()],
    error,
  });

  if (!opts.env.REDIS_URL?.trim()) return { snapshot: async () => alone(null, null), close: async () => {} };
  let url: URL;
  try {
    url = redisUrlFrom(opts.env);
  } catch (e) {
    const message = (e as Error).message;
    return { snapshot: async () => alone(message, null), close: async () => {} };
  }
  const where = describeRedis(url);
  const redis: Redis = connectRedis(url);
  redis.on('error', () => {}); // shown in the snapshot's error; ioredis reconnects on its own
  const heartbeat: Heartbeat = startHeartbeat(redis, clock, id, describe, 'app');
  return {
    async snapshot() {
      try {
        const [instances, shared] = await Promise.all([liveInstances(redis), opts.shared?.state()]);
        return { at: clock.now(), sharedVia: 'redis', redis: where, instances, error: null, ...(shared ? { shared } : {}) };
      } catch (e) {
        return alone(`cannot read the fleet from Redis at ${where}: ${(e as Error).message}`, where);
      }
    },
    async close() {
      await heartbeat.stop();
      redis.disconnect();
    },
  };
}
