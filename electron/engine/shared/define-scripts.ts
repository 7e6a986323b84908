// The shared stores' Lua scripts as ioredis commands. Every script touches one key prefix (one {hash tag}), so each
// takes exactly one key.
import type { Redis } from 'ioredis';

/**
 * Registers each script on the connection as a command, once (stores that share a connection register theirs side by
 * side, and a second store of the same kind finds them there); ioredis sends EVALSHA and loads a script on NOSCRIPT.
 */
export function defineScripts<C extends object>(redis: Redis, scripts: { [K in keyof C & string]: string }): Redis & C {
  const r = redis as unknown as Record<string, unknown>;
  for (const [name, lua] of Object.entries<string>(scripts)) if (!r[name]) redis.defineCommand(name, { numberOfKeys: 1, lua });
  return redis as Redis & C;
}
