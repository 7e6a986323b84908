// A small typed event bus: the one stream that the UI, the CLI progress line and the tests read.

export type Listener<T> = (event: T) => void;

export class EventBus<T> {
  /** Replaced, never mutated, on (un)subscribe: emit() iterates it without copying (it runs several times per call). */
  private listeners: ReadonlyArray<Listener<T>> = [];

  /** @param onListenerError where a throwing listener's error goes; it never stops delivery to the others. */
  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error('event listener failed:', e)) {}

  /** Subscribe; returns the unsubscribe function. */
  on(fn: Listener<T>): () => void {
    if (!this.listeners.includes(fn)) this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(event: T): void {
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  get size(): number {
    return this.listeners.length;
  }
}
