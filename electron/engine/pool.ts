// The worker pool: submissions flow through at most `size` at a time. Resizable live (a number, or a function
// read again whenever a slot frees, for auto mode), pause/resume, and cancel: in-flight work is aborted through
// its AbortSignal, finished results are kept, and items never started come back as cancelled.
import type { Clock } from './clock';

export type PoolOutcome<R> = { status: 'done'; value: R } | { status: 'failed'; error: unknown } | { status: 'cancelled' };

export interface PoolStats {
  size: number;
  active: number;
  pending: number;
  done: number;
  paused: boolean;
  cancelled: boolean;
  /** Mean wall time of a finished item (on the pool's clock). */
  meanItemMs: number;
}

export class WorkerPool {
  private readonly clock: Clock;
  private size: number | (() => number);
  private active = 0;
  private pending = 0;
  private done = 0;
  private itemMsSum = 0;
  private paused = false;
  private cancelled = false;
  private readonly controllers = new Set<AbortController>();
  private wake: (() => void) | null = null;

  constructor(opts: { clock: Clock; size: number | (() => number) }) {
    this.clock = opts.clock;
    this.size = opts.size;
  }

  private get limit(): number {
    const n = typeof this.size === 'function' ? this.size() : this.size;
    return Math.max(1, Math.floor(n));
  }

  /** Run `fn` over `items`; resolves with one outcome per item, in item order, once all have settled. */
  async run<T, R>(items: readonly T[], fn: (item: T, signal: AbortSignal) => Promise<R>): Promise<PoolOutcome<R>[]> {
    const out: PoolOutcome<R>[] = items.map(() => ({ status: 'cancelled' }));
    const running = new Set<Promise<void>>();
    this.pending += items.length;
    for (let i = 0; i < items.length; i++) {
      while (!this.cancelled && (this.paused || this.active >= this.limit)) await new Promise<void>((r) => (this.wake = r));
      if (this.cancelled) break;
      this.pending--;
      this.active++;
      const ac = new AbortController();
      this.controllers.add(ac);
      const started = this.clock.now();
      const index = i;
      const task = fn(items[i] as T, ac.signal).then(
        (value) => void (out[index] = { status: 'done', value }),
        (error) => void (out[index] = ac.signal.aborted ? { status: 'cancelled' } : { status: 'failed', error }),
      );
      const tracked: Promise<void> = task.finally(() => {
        this.controllers.delete(ac);
        this.active--;
        this.done++;
        this.itemMsSum += this.clock.now() - started;
        running.delete(tracked);
        this.poke();
      });
      running.add(tracked);
    }
    this.pending = 0;
    await Promise.all(running);
    return out;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.poke();
  }
  /** Growing starts more items at once; shrinking lets in-flight items finish. */
  resize(size: number | (() => number)): void {
    this.size = size;
    this.poke();
  }
  /** Abort in-flight items and start no more. */
  cancel(reason: unknown = new DOMException('The batch was cancelled.', 'AbortError')): void {
    this.cancelled = true;
    for (const ac of this.controllers) ac.abort(reason);
    this.poke();
  }

  stats(): PoolStats {
    return {
      size: this.limit,
      active: this.active,
      pending: this.pending,
      done: this.done,
      paused: this.paused,
      cancelled: this.cancelled,
      meanItemMs: this.done ? this.itemMsSum / this.done : 0,
    };
  }
}
