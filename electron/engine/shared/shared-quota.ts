// REDIS_URL set: every limiter of the process keeps its charges in Redis (docs/scale-out.md). Two connections per
// process: commands (offline queue off, short timeout: a call never waits on a dead Redis) and the wake-up subscriber.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ProviderId } from '../../../shared/provider';
import type { SharedProviderState, SharedQuotaState, SharedStoreState } from '../../../shared/telemetry';
import { describeRedis } from '../../redis-url';
import type { Clock } from '../clock';
import type { Dimension } from '../limiter/dimension';
import { RedisBreakerStore } from './redis-breaker-store';
import { RedisLeaseStore } from './redis-lease-store';
import { RedisRateStore } from './redis-rate-store';
import type { SharedProvider } from './shared-provider';
import { providerKeyPrefix, quotaKeyPrefix, RedisQuotaStore } from './redis-quota-store';
import { WakeBus } from './wake-bus';
import { keyHash } from '../quota-memory';

/** A command that takes longer than this counts as Redis being out of reach. */
const COMMAND_TIMEOUT_MS = 500;
/** How long the first connection may take before REDIS_URL counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface SharedQuota {
  readonly instanceId: string;
  storeFor(
    provider: ProviderId,
    apiKey: string,
    model: string,
    dims: Dimension[],
    clock: Clock,
    onTrouble?: (m: string | null) => void,
  ): RedisQuotaStore;
  /** The concurrency leases of one (provider, key), shared by all its models. */
  leasesFor(provider: ProviderId, apiKey: string, clock: Clock): RedisLeaseStore;
  /** Leases and breaker of one (provider, key), for the engine (docs/scale-out.md "Shared breaker"). */
  providerFor(provider: ProviderId, apiKey: string, clock: Clock): SharedProvider;
  /** What the stores this process opened hold in Redis now (docs/scale-out.md "Instances"). */
  state(): Promise<SharedStoreState>;
  close(): Promise<void>;
}

/** A store this process opened, named as the Instances view shows it (a key's hash, never the key). */
interface Opened<S> {
  provider: ProviderId;
  keyHash: string;
  model?: string;
  store: S;
}

function ready(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (e?: Error) => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (e) reject(new Error(`REDIS_URL is set but Redis cannot be reached: cannot reach Redis at ${where(url)}: ${e.message}`));
      else resolve();
    };
    const onReady = () => done();
    const onError = (e: Error) => done(e);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

/** host:port of a URL for messages (never its credentials). */
function where(url: string): string {
  try {
    return describeRedis(new URL(url));
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * Connects both connections, or fails loudly: with Redis unreachable from the start nothing is known of the other
 * instances, and falling back to the full local quota is exactly what must not happen.
 */
export async function connectSharedQuota(url: string, instanceId: string = randomUUID()): Promise<SharedQuota> {
  const options = {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Reconnect quickly and keep trying: the store admits nothing (then its local share) meanwhile.
    retryStrategy: (times: number) => Math.min(times * 100, 1_000),
  };
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, commandTimeout: undefined });
  // Errors surface through the stores (each failed command); an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  redis.setMaxListeners(0); // one 'ready' listener per store (provider × model)
  const bus = new WakeBus(subscriber);
  try {
    await Promise.all([ready(redis, url), ready(subscriber, url)]);
  } catch (e) {
    redis.disconnect();
    subscriber.disconnect();
    throw e;
  }
  // By prefix: a store opened again (a rebuilt provider) replaces the one before.
  const quotas = new Map<string, Opened<RedisQuotaStore>>();
  const providers = new Map<string, Opened<SharedProvider & { leases: RedisLeaseStore }>>();
  return {
    instanceId,
    storeFor: (provider, apiKey, model, dims, clock, onTrouble) => {
      const prefix = quotaKeyPrefix(provider, apiKey, model);
      const store = new RedisQuotaStore({ redis, wakeBus: bus, prefix, dims, clock, instanceId, onTrouble });
      quotas.set(prefix, { provider, keyHash: keyHash(apiKey), model, store });
      return store;
    },
    leasesFor: (provider, apiKey, clock) => new RedisLeaseStore(redis, bus, providerKeyPrefix(provider, apiKey), clock),
    providerFor: (provider, apiKey, clock) => {
      const prefix = providerKeyPrefix(provider, apiKey);
      const store = {
        instanceId,
        leases: new RedisLeaseStore(redis, bus, prefix, clock),
        breaker: new RedisBreakerStore(redis, bus, prefix, clock),
        rate: new RedisRateStore(redis, bus, prefix, clock),
      };
      providers.set(prefix, { provider, keyHash: keyHash(apiKey), store });
      return store;
    },
    async state() {
      const q = await Promise.all(
        [...quotas.values()].map(async (o): Promise<SharedQuotaState> => ({
          provider: o.provider,
          keyHash: o.keyHash,
          model: o.model ?? '',
          ...(await o.store.usage()),
        })),
      );
      const p = await Promise.all(
        [...providers.values()].map(async (o): Promise<SharedProviderState> => {
          const [b, slotsInUse] = await Promise.all([o.store.breaker.read(instanceId), o.store.leases.inUse()]);
          return { provider: o.provider, keyHash: o.keyHash, breaker: b.state, breakerUntil: b.until, forced: b.forced, slotsInUse };
        }),
      );
      return { quotas: q, providers: p };
    },
    async close() {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
