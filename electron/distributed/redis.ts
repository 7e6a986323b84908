// The Redis connection of a distributed run (docs/scale-out.md "Distributed runs"): options for BullMQ and a checked
// first connection; REDIS_URL itself is checked in electron/redis-url.ts.
import { Redis, type RedisOptions } from 'ioredis';
import { describeRedis } from '../redis-url';

/**
 * Connection options from the URL. BullMQ closes only the connections it made itself, so it gets options, not
 * clients; maxRetriesPerRequest null is what its blocking connections need, and a short connect timeout turns an
 * unreachable Redis into an error at start instead of a silent wait.
 */
export function redisOptions(url: URL): RedisOptions {
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
  };
}

export function connectRedis(url: URL): Redis {
  return new Redis({ ...redisOptions(url), lazyConnect: true });
}

/** Connect and PING once, so "Redis is not there" is reported before any work is queued. */
export async function openRedis(url: URL): Promise<Redis> {
  const redis = connectRedis(url);
  redis.on('error', () => {}); // reported through the failed command below, not as an unhandled event
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${describeRedis(url)}: ${(err as Error).message}`);
  }
}
