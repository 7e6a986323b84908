// What the shared stores publish on one waiter queue's channels (docs/scale-out.md "Waking"), read from a pattern
// subscription of the test's own: a sentinel published after an operation arrives after everything that operation
// published (one connection, in Redis's order), so "exactly one" is exact.
import type { Redis } from 'ioredis';

/** A message on the queue's broadcast channel (every instance woken), as `take()` lists it. */
export const BROADCAST = '(everyone)';

/**
 * Every wake-up on `base`'s queue (channels `base:wake:<waiter id>`), in order; a message on `broadcast` (a channel
 * every instance listens on) is listed as BROADCAST. `sub` and `pub` are the test's own connections.
 */
export async function wakeLog(sub: Redis, pub: Redis, base: string, broadcast?: string) {
  const prefix = `${base}:wake:`;
  const seen: string[] = [];
  let sentinels = 0;
  let release: (() => void) | null = null;
  const heard = (channel: string) => {
    if (channel === `${prefix}sentinel`) {
      sentinels++;
      release?.();
    } else if (channel === broadcast) seen.push(BROADCAST);
    else if (channel.startsWith(prefix)) seen.push(channel.slice(prefix.length));
  };
  sub.on('pmessage', (_pattern: string, channel: string) => heard(channel));
  sub.on('message', (channel: string) => heard(channel));
  await sub.psubscribe(`${prefix}*`);
  if (broadcast) await sub.subscribe(broadcast);
  return {
    /** The waiter ids woken (and broadcasts) since the last call. */
    async take(): Promise<string[]> {
      const want = sentinels + 1;
      const arrived = new Promise<void>((r) => (release = () => sentinels >= want && r()));
      await pub.publish(`${prefix}sentinel`, '');
      await arrived;
      return seen.splice(0);
    },
  };
}
