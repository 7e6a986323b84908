// Duplicate ownership must follow row order whatever the worker count (docs/domain.md §6): a row may look up
// the image index only once every earlier row has registered its photos. Workers take rows in order and
// register before any slow work, so a row waits at most for the few rows started just before it.

interface Waiter {
  row: number;
  resolve: () => void;
}

export class RowBarrier {
  private readonly pending: number[]; // rows not yet released, ascending
  private readonly released = new Set<number>();
  private next = 0; // index of the lowest unreleased row in `pending`
  private waiters: Waiter[] = [];

  /** `rows` are the rows this run will release; any other row counts as released already. */
  constructor(rows: readonly number[]) {
    this.pending = [...rows].sort((a, b) => a - b);
  }

  /** Mark a row's photos as registered in the index (or as having none, or as failed). */
  release(row: number): void {
    this.released.add(row);
    while (this.next < this.pending.length && this.released.has(this.pending[this.next] as number)) this.next++;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.ready(w.row)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves when every row before `row` has been released; rejects with the signal's reason on abort. */
  waitForRowsBefore(row: number, signal?: AbortSignal): Promise<void> {
    if (this.ready(row)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const w: Waiter = { row, resolve };
      this.waiters.push(w);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  private ready(row: number): boolean {
    const lowest = this.pending[this.next];
    return lowest === undefined || lowest >= row;
  }
}
