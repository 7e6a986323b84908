// Time is injected (docs/engine.md §0): engine code waits and measures only through a Clock, so tests and the
// what-if benchmark can run on virtual time. This file and rng.ts are the only places that touch real time.
import { ConfigError } from '../../shared/config';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason (an AbortError) if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Runs `fn` after `ms`; returns a cancel function. `background` timers (a breaker's cooldown) change state
   * nobody waits for, so they must not keep a finished process alive.
   */
  setTimer(ms: number, fn: () => void, opts?: { background?: boolean }): () => void;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Sleep on top of setTimer, shared by every Clock so abort semantics are identical in real and virtual time. */
export function sleepWith(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      cancel();
      reject(abortError(signal as AbortSignal));
    };
    const cancel = clock.setTimer(Math.max(0, ms), () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  setTimer(ms: number, fn: () => void, opts?: { background?: boolean }): () => void {
    const t = setTimeout(fn, ms);
    if (opts?.background) t.unref();
    return () => clearTimeout(t);
  }
}

/**
 * Real time shifted by a fixed offset, as on a machine whose clock is off. For tests of the shared quota only
 * (env EV_TEST_CLOCK_SKEW_MS): Redis TIME decides admissions, so a skewed instance must admit exactly as the others.
 */
export class SkewedClock extends RealClock {
  constructor(private readonly skewMs: number) {
    super();
  }
  override now(): number {
    return Date.now() + this.skewMs;
  }
}

/** The real clock, or for tests of the shared quota one skewed by EV_TEST_CLOCK_SKEW_MS (docs/scale-out.md "What the proof shows"). */
export function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const raw = env.EV_TEST_CLOCK_SKEW_MS;
  if (raw === undefined || raw === '') return new RealClock();
  const skew = Number(raw);
  if (!Number.isInteger(skew)) throw new ConfigError('EV_TEST_CLOCK_SKEW_MS', `must be a whole number of milliseconds, got "${raw}"`);
  return new SkewedClock(skew);
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets every pending promise callback run, so the code under test reaches its next wait before time moves. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time for tests and the what-if benchmark. Time only moves when the driver asks: `run(p)` and `advance(ms)`
 * fire timers in (time, creation) order, letting the async code settle between timers, so a run is deterministic.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 5, 17, 0, 0)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  setTimer(ms: number, fn: () => void): () => void {
    const timer: VirtualTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.push(timer);
    return () => {
      timer.fn = noop;
    };
  }

  /** Drive time until `p` settles; fails loudly if nothing is scheduled while `p` still waits (a lost wake-up). */
  async run<T>(p: Promise<T>, maxMs = Number.POSITIVE_INFINITY): Promise<T> {
    let done = false;
    const watched = p.finally(() => {
      done = true;
    });
    watched.catch(noop);
    const limit = this.t + maxMs;
    await settle();
    while (!done) {
      this.dropCancelled();
      const next = this.heap[0];
      if (!next) throw new Error(`VirtualClock: deadlock at ${this.t}: the awaited work is pending with no timer scheduled`);
      if (next.at > limit) throw new Error(`VirtualClock: still pending after ${maxMs} ms of virtual time`);
      this.fireNext();
      await settle();
    }
    return watched;
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    this.dropCancelled();
    while (this.heap[0] && this.heap[0].at <= target) {
      this.fireNext();
      await settle();
    }
    this.t = target;
  }

  private fireNext(): void {
    const timer = this.pop();
    this.t = Math.max(this.t, timer.at);
    timer.fn();
    this.dropCancelled();
  }

  /** Cancelled timers need no firing and no settling: forget them before looking at what is next. */
  private dropCancelled(): void {
    while (this.heap[0] && this.heap[0].fn === noop) this.pop();
  }

  // A binary min-heap on (at, seq): thousands of timers stay cheap in the benchmark.
  private less(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  private push(timer: VirtualTimer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as VirtualTimer, h[parent] as VirtualTimer)) break;
      [h[i], h[parent]] = [h[parent] as VirtualTimer, h[i] as VirtualTimer];
      i = parent;
    }
  }
  private pop(): VirtualTimer {
    const h = this.heap;
    const top = h[0] as VirtualTimer;
    const last = h.pop() as VirtualTimer;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as VirtualTimer, h[m] as VirtualTimer)) m = l;
        if (r < h.length && this.less(h[r] as VirtualTimer, h[m] as VirtualTimer)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as VirtualTimer, h[i] as VirtualTimer];
        i = m;
      }
    }
    return top;
  }
}

function noop(): void {}
