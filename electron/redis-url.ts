// REDIS_URL, checked once for every user of it (the shared quota, distributed runs): a bad value is a clear
// bad-input error, and only its host and port are ever printed (a URL may carry a password).
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
