// Real time, sped up: `scale` virtual milliseconds pass per real millisecond. For code that must run on real
// timers (peer libraries, the HTTP simulator and the real SDKs) yet should cover minutes of quota in seconds.
import { performance } from 'node:perf_hooks';
import { sleepWith, type Clock } from '../../electron/engine/clock';

export class ScaledClock implements Clock {
  private readonly base = Date.UTC(2026, 0, 5, 17, 0, 0);
  private readonly t0 = performance.now();

  constructor(readonly scale: number) {}

  now(): number {
    return this.base + (performance.now() - this.t0) * this.scale;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  setTimer(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, ms) / this.scale);
    return () => clearTimeout(t);
  }
  /** A virtual duration in real milliseconds (for libraries that read the real clock). */
  real(ms: number): number {
    return ms / this.scale;
  }
}
