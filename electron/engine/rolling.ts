// A time-bucketed rolling window of call and error counts (breaker error rate, 429s in the last 5 minutes).

interface Bucket {
  index: number;
  calls: number;
  errors: number;
}

export class RollingCounter {
  private buckets: Bucket[] = [];
  private bucketMs: number;

  constructor(
    private windowMs: number,
    private readonly slots = 12,
  ) {
    this.bucketMs = windowMs / slots;
  }

  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
    this.bucketMs = windowMs / this.slots;
    this.buckets = []; // bucket boundaries moved: old counts can't be placed any more
  }

  add(now: number, calls: number, errors: number): void {
    const index = Math.floor(now / this.bucketMs);
    this.prune(index);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.index === index) {
      last.calls += calls;
      last.errors += errors;
    } else this.buckets.push({ index, calls, errors });
  }

  totals(now: number): { calls: number; errors: number } {
    this.prune(Math.floor(now / this.bucketMs));
    let calls = 0;
    let errors = 0;
    for (const b of this.buckets) {
      calls += b.calls;
      errors += b.errors;
    }
    return { calls, errors };
  }

  clear(): void {
    this.buckets = [];
  }

  private prune(current: number): void {
    while (this.buckets[0] && this.buckets[0].index <= current - this.slots) this.buckets.shift();
  }
}
