// The Redis connection of a distributed run (docs/scale-out.md "Distributed runs"): REDIS_URL is checked up
// front so a bad value is a clear bad-input error, and only its host and port are ever printed (a URL may carry a password).
import { Redis, type RedisOptions } from 'ioredis';

export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

/** The validated REDIS_URL, or a RedisUrlError that says what is wrong. */
export function redisUrlFrom(env: Record<string, string | undefined>): URL {
  const raw = env.REDIS_URL?.trim();
  if (!raw) throw new RedisUrlError('a distributed run needs REDIS_URL (for example redis://127.0.0.1:6379)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RedisUrlError('REDIS_URL is not a URL (expected redis://host:port or rediss://host:port)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new RedisUrlError(`REDIS_URL must start with redis:// or rediss://, got ${url.protocol}//`);
  return url;
}

/** host:port for messages and the Instances view, never the credentials. */
export function describeRedis(url: URL): string {
  return `${url.hostname}:${url.port || '6379'}`;
}

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
