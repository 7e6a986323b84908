// A small typed event bus: the one stream that the UI, the CLI progress line and the tests read.

export type Listener<T> = (event: T) => void;

export class EventBus<T> {
  private listeners = new Set<Listener<T>>();

  /** @param onListenerError where a throwing listener's error goes; it never stops delivery to the others. */
  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error('event listener failed:', e)) {}

  /** Subscribe; returns the unsubscribe function. */
  on(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  emit(event: T): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
