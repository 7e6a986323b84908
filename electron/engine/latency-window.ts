// The last N call latencies, kept sorted as they arrive, so a quantile (auto concurrency's p90) is a lookup after
// every call instead of a sort: a binary search and one bounded move per sample.

export class LatencyWindow {
  /** Arrival order, a ring of `capacity`, to know which sample leaves. */
  private ring: number[] = [];
  private next = 0;
  /** The same samples, ascending. */
  private sorted: number[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.sorted.length;
  }

  add(ms: number): void {
    if (this.ring.length < this.capacity) this.ring.push(ms);
    else {
      const old = this.ring[this.next] as number;
      this.ring[this.next] = ms;
      this.next = (this.next + 1) % this.capacity;
      this.sorted.splice(this.lowerBound(old), 1);
    }
    this.sorted.splice(this.lowerBound(ms), 0, ms);
  }

  /** The sample at rank floor(q × (n − 1)), as sorting the window would give; NaN when empty. */
  quantile(q: number): number {
    if (this.sorted.length === 0) return Number.NaN;
    return this.sorted[Math.floor(q * (this.sorted.length - 1))] as number;
  }

  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
