// Coalesce a burst of events into one store update per animation frame (GitHub Desktop's emitUpdate idea).

/** Runs `flush` once, soon. Injected so tests (and node) can drive frames by hand. */
export type Scheduler = (flush: () => void) => void;

/** The next animation frame, or 250 ms later in a hidden tab where frames stop (so the queue can't grow unbounded). */
export const nextFrame: Scheduler = (flush) => {
  let ran = false;
  const run = () => {
    if (ran) return;
    ran = true;
    flush();
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
};

export interface Coalescer<T> {
  push(item: T): void;
}

/** Queue items; `apply` receives everything queued since the last frame, in order, once per frame. */
export function createCoalescer<T>(apply: (items: T[]) => void, schedule: Scheduler): Coalescer<T> {
  let queue: T[] = [];
  let pending = false;
  const flush = () => {
    pending = false;
    const items = queue;
    queue = [];
    if (items.length > 0) apply(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (!pending) {
        pending = true;
        schedule(flush);
      }
    },
  };
}
