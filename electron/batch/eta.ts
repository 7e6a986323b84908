// The batch's ETA (docs/console.md §4): remaining rows over an exponentially weighted rate of finished submissions,
// so a burst or a stall moves it gradually instead of making it jump (2m56s → 28m52s → 2m during a recovery).
// Paused time does not count: a run that was paused for ten minutes is not ten minutes slower.

/** How far back the rate mostly looks: a finish this long ago weighs 1/e of one now. */
export const ETA_TAU_MS = 120_000;

export class EtaEstimator {
  /** Exponentially decayed count of finishes, as of `lastAt` (active time). */
  private weight = 0;
  private lastAt = 0;
  private pausedMs = 0;
  private pausedSince: number | null = null;

  constructor(
    private readonly startedAt: number,
    private readonly tauMs = ETA_TAU_MS,
  ) {}

  /** Active time: wall time since the start, minus paused spans. */
  private active(t: number): number {
    const paused = this.pausedMs + (this.pausedSince === null ? 0 : t - this.pausedSince);
    return Math.max(0, t - this.startedAt - paused);
  }

  finished(t: number, n = 1): void {
    const a = this.active(t);
    this.weight = this.weight * Math.exp(-(a - this.lastAt) / this.tauMs) + n;
    this.lastAt = a;
  }

  pause(t: number): void {
    if (this.pausedSince === null) this.pausedSince = t;
  }

  resume(t: number): void {
    if (this.pausedSince === null) return;
    this.pausedMs += t - this.pausedSince;
    this.pausedSince = null;
  }

  /** Finishes per ms at `t`: the decayed count over the decayed length of the active time (the kernel's integral). */
  rate(t: number): number {
    const a = this.active(t);
    const span = this.tauMs * (1 - Math.exp(-a / this.tauMs));
    if (span <= 0 || this.weight === 0) return 0;
    return (this.weight * Math.exp(-(a - this.lastAt) / this.tauMs)) / span;
  }

  /** Ms until `left` more finish at the current rate; 0 when nothing is left, null before the first finish. */
  eta(t: number, left: number): number | null {
    if (left <= 0) return 0;
    const r = this.rate(t);
    return r > 0 ? left / r : null;
  }
}
