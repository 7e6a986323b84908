// One subscriber connection per process for every shared store's wake channel (a subscribed ioredis connection can
// run no other command). ioredis subscribes again after a reconnect; a message lost meanwhile is covered by the
// waiters' re-check (redis-quota-store.ts RECHECK_MS).
import type { Redis } from 'ioredis';

export class WakeBus {
  private readonly handlers = new Map<string, Set<() => void>>();

  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string) => {
      for (const h of [...(this.handlers.get(channel) ?? [])]) h();
    });
  }

  /** Calls `handler` on every message to `channel`; returns the unsubscribe. */
  subscribe(channel: string, handler: () => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.subscriber.subscribe(channel).catch(() => undefined); // re-done by ioredis on reconnect
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(channel);
        this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }
}
