// What each Redis store of one (provider, key) has in common (docs/scale-out.md): its scripts registered on the
// process's command connection, its key prefix (one {hash tag}), the local clock its replies' server times are turned
// into, and listeners woken by its channels on the process's one subscriber connection (wake-bus.ts).
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { EventBus } from '../events';
import { defineScripts } from './define-scripts';
import type { WakeBus } from './wake-bus';

export abstract class RedisStore<C extends object> {
  protected readonly redis: Redis & C;
  private readonly listeners = new EventBus<void>();

  /** `prefix`: the (provider, key) prefix, one {hash tag} (providerKeyPrefix). */
  protected constructor(
    redis: Redis,
    private readonly bus: WakeBus,
    protected readonly prefix: string,
    protected readonly clock: Clock,
    scripts: { [K in keyof C & string]: string },
  ) {
    this.redis = defineScripts<C>(redis, scripts);
  }

  /** Every message on the channel `prefix` + `suffix` wakes this store's listeners. */
  protected listen(suffix: string): void {
    this.bus.subscribe(this.prefix + suffix, () => this.listeners.emit());
  }

  /** Called on each message of the channels listened to; returns the unsubscribe. */
  protected onMessage(listener: () => void): () => void {
    return this.listeners.on(listener);
  }

  /** Server minus local time, from a reply's server time: what the store's callers time locally. */
  protected offset(serverNow: string | number | undefined): number {
    return Number(serverNow) - this.clock.now();
  }
}
