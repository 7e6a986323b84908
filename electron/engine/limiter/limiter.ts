// The rate limiter of one provider model: exact earliest-start scheduling over all quota dimensions at once.
// No poll loop: one timer, set for the head of the queue's earliest admissible time, re-planned on every change.
import type { Clock } from '../clock';
import { uniform, type Rng } from '../rng';
import type { Charge, Dimension } from './dimension';
import { dimensionReason, formatClock, formatCount } from './explain';

/** Per-day dimensions: a wait on one of them is measured in hours, not seconds. */
const DAILY_DIMS: ReadonlySet<string> = new Set(['RPD', 'TPD']);
/** Longer than this, a wait for quota is not worth it: the router falls back instead (and queued requests leave). */
export const WAIT_HORIZON_MS = 2 * 60_000;

export interface Jitter {
  enabled: boolean;
  min: number;
  max: number;
}

/** The request can never be admitted (its estimate is above a hard limit). */
export class QuotaError extends Error {
  override name = 'QuotaError';
}

/** The limiter stopped serving its queue (provider exhausted, misconfigured or breaker open). */
export class LimiterDrainedError extends Error {
  override name = 'LimiterDrainedError';
}

export interface Admission {
  readonly admittedAt: number;
  readonly waitedMs: number;
  /** The call really started now (after waiting for a concurrency slot). */
  started(at: number): void;
  /** Replace the token estimate with the provider's reported usage. */
  settle(tokens: number): void;
  /** The call never happened: give the quota back. */
  refund(): void;
}

interface Waiter {
  seq: number;
  priority: number;
  tokens: number;
  enqueuedAt: number;
  jitterUntil?: number;
  resolve(a: Admission): void;
  reject(e: unknown): void;
  detach(): void;
}

interface Recent {
  at: number;
  tokens: number;
}

export interface LimiterStats {
  /** Starts and tokens in the last 60 s (whatever the accounting model). */
  rpm: number;
  tpm: number;
  used: Partial<Record<Dimension['name'], number>>;
  available: Partial<Record<Dimension['name'], number>>;
  queued: number;
  nextAdmissionAt: number | null;
  meanWaitMs: number;
  jitterMean: number;
  admissions: number;
}

const TOKEN_DIMS = new Set(['TPM', 'TPD']);
const EPSILON = 1e-9;

/** The wait queue: an array read from a moving head, so admitting from a long queue costs O(1), not a shift. */
class WaitQueue {
  private items: Waiter[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  first(): Waiter | undefined {
    return this.items[this.head];
  }
  shift(): Waiter | undefined {
    const w = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
  /** FIFO within a priority; higher priority first. */
  insert(w: Waiter): void {
    let i = this.items.length;
    while (i > this.head && (this.items[i - 1] as Waiter).priority < w.priority) i--;
    this.items.splice(i, 0, w);
  }
  remove(w: Waiter): void {
    const i = this.items.indexOf(w, this.head);
    if (i >= 0) this.items.splice(i, 1);
  }
  takeAll(): Waiter[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
  slice(n: number): Waiter[] {
    return this.items.slice(this.head, this.head + n);
  }
}

export class RateLimiter {
  private queue = new WaitQueue();
  private seq = 0;
  private pausedUntil = 0;
  private cancelWake: (() => void) | null = null;
  private wakeAt: number | null = null;
  private recent: Recent[] = [];
  private admissions = 0;
  private totalWaitMs = 0;
  private jitterSum = 0;
  private jitterCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    readonly dims: Dimension[],
    private jitter: Jitter,
  ) {}

  private cost(dim: Dimension, tokens: number): number {
    return TOKEN_DIMS.has(dim.name) ? tokens : 1;
  }

  /** Wait for an admission. Rejects at once with QuotaError when `tokens` can never fit. */
  acquire(tokens: number, opts: { priority?: number; signal?: AbortSignal } = {}): Promise<Admission> {
    const never = this.dims.find((d) => this.cost(d, tokens) > d.hardLimit);
    if (never) {
      const what = TOKEN_DIMS.has(never.name) ? `${formatCount(tokens)} tokens` : '1 request';
      return Promise.reject(new QuotaError(`request needs ${what}, above the ${never.name} limit of ${formatCount(never.hardLimit)}: it can never run`));
    }
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Admission>((resolve, reject) => {
      const onAbort = () => {
        this.queue.remove(w);
        reject(signal?.reason);
        this.pump();
      };
      const w: Waiter = {
        seq: this.seq++,
        priority: opts.priority ?? 0,
        tokens,
        enqueuedAt: this.clock.now(),
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.insert(w);
      this.pump();
    });
  }

  /** Provider-wide pause (server's suggested retry time, or an operator). Only ever extends. */
  pause(until: number): void {
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pump();
    }
  }
  /** Lift a pause (operator). */
  unpause(): void {
    this.pausedUntil = 0;
    this.pump();
  }
  get pausedUntilMs(): number | null {
    return this.pausedUntil > this.clock.now() ? this.pausedUntil : null;
  }

  setJitter(j: Jitter): void {
    this.jitter = j;
  }

  /** Limits changed (config or AIMD): re-plan. */
  refresh(): void {
    this.pump();
  }

  /** Reject everyone waiting; the router falls back for them. */
  drain(reason: string): void {
    const waiting = this.queue.takeAll();
    for (const w of waiting) {
      w.detach();
      w.reject(new LimiterDrainedError(reason));
    }
    this.pump();
  }

  /** The earliest time the head (or a request of `tokens` behind nobody) may start. */
  private earliest(tokens: number, now: number): number {
    let at = Math.max(now, this.pausedUntil);
    for (const d of this.dims) at = Math.max(at, d.earliest(now, this.cost(d, tokens)));
    return at;
  }

  /** When a new request of `tokens` could start if nothing were queued (router skip rules). */
  blockedUntil(tokens: number): number {
    return this.earliest(tokens, this.clock.now());
  }

  private pump(): void {
    const now = this.clock.now();
    let wake: number | null = null;
    for (let w = this.queue.first(); w; w = this.queue.first()) {
      const at = this.earliest(w.tokens, now);
      if (at === Number.POSITIVE_INFINITY) {
        // Limits were lowered under a waiting request: it can never run now.
        this.queue.shift();
        w.detach();
        w.reject(new QuotaError(`request of ${formatCount(w.tokens)} tokens no longer fits the lowered limits`));
        continue;
      }
      // The router checks the day before queueing; this catches requests that queued while others used the day up.
      const day = this.dims.find((d) => DAILY_DIMS.has(d.name) && d.earliest(now, this.cost(d, w.tokens)) > now + WAIT_HORIZON_MS);
      if (day) {
        this.queue.shift();
        w.detach();
        w.reject(new QuotaError(`${day.name} quota spent until ${formatClock(day.earliest(now, this.cost(day, w.tokens)))}`));
        continue;
      }
      if (at > now && this.jitter.enabled && w.jitterUntil === undefined) {
        const m = uniform(this.rng, this.jitter.min, this.jitter.max);
        w.jitterUntil = now + (at - now) * m;
        this.jitterSum += Math.max(1, m); // a request is never admitted before its exact time
        this.jitterCount++;
      }
      const target = Math.max(at, w.jitterUntil ?? 0);
      if (target <= now + EPSILON) {
        this.queue.shift();
        this.admit(w, now);
        continue;
      }
      wake = Math.ceil(target);
      break;
    }
    if (wake === this.wakeAt) return; // the one timer already points at the right time
    this.cancelWake?.();
    this.cancelWake = null;
    this.wakeAt = wake;
    if (wake === null) return;
    this.cancelWake = this.clock.setTimer(wake - now, () => {
      this.cancelWake = null;
      this.wakeAt = null;
      this.pump();
    });
  }

  private admit(w: Waiter, now: number): void {
    w.detach();
    const charges: [Dimension, Charge][] = this.dims.map((d) => [d, d.take(now, this.cost(d, w.tokens))]);
    const recent: Recent = { at: now, tokens: w.tokens };
    this.pruneRecent(now);
    this.recent.push(recent);
    this.admissions++;
    this.totalWaitMs += now - w.enqueuedAt;
    let open = true;
    const admission: Admission = {
      admittedAt: now,
      waitedMs: now - w.enqueuedAt,
      started: (at) => {
        for (const [d, c] of charges) d.restamp(c, at);
        recent.at = Math.max(recent.at, at);
      },
      settle: (tokens) => {
        if (!open) return;
        const t = this.clock.now();
        for (const [d, c] of charges) if (TOKEN_DIMS.has(d.name)) d.settle(c, tokens, t);
        recent.tokens = tokens;
        this.pump();
      },
      refund: () => {
        if (!open) return;
        open = false;
        const t = this.clock.now();
        for (const [d, c] of charges) d.refund(c, t);
        const i = this.recent.indexOf(recent);
        if (i >= 0) this.recent.splice(i, 1);
        this.pump();
      },
    };
    w.resolve(admission);
  }

  private pruneRecent(now: number): void {
    let i = 0;
    while (i < this.recent.length && now - (this.recent[i] as Recent).at >= 60_000) i++;
    if (i > 0) this.recent.splice(0, i);
  }

  get queued(): number {
    return this.queue.length;
  }

  stats(): LimiterStats {
    const now = this.clock.now();
    this.pruneRecent(now);
    const used: LimiterStats['used'] = {};
    const available: LimiterStats['available'] = {};
    for (const d of this.dims) {
      used[d.name] = d.used(now);
      available[d.name] = Math.max(0, d.limit - (used[d.name] ?? 0));
    }
    return {
      rpm: this.recent.filter((r) => r.at <= now).length,
      tpm: this.recent.reduce((s, r) => s + (r.at <= now ? r.tokens : 0), 0),
      used,
      available,
      queued: this.queue.length,
      nextAdmissionAt: this.wakeAt,
      meanWaitMs: this.admissions ? this.totalWaitMs / this.admissions : 0,
      jitterMean: this.jitterCount ? this.jitterSum / this.jitterCount : 1,
      admissions: this.admissions,
    };
  }

  /** For the first `n` waiting requests: why each waits. */
  explain(n = 3, timeZone?: string): string[] {
    const now = this.clock.now();
    return this.queue.slice(n).map((w, i) => {
      if (i > 0) return `queued behind ${i} earlier request${i === 1 ? '' : 's'}`;
      if (this.pausedUntil > now) return `provider paused until ${formatClock(this.pausedUntil, timeZone)}`;
      let worst: { d: Dimension; at: number } | null = null;
      for (const d of this.dims) {
        const at = d.earliest(now, this.cost(d, w.tokens));
        if (at > now && (!worst || at > worst.at)) worst = { d, at };
      }
      if (worst) return dimensionReason(worst.d, this.cost(worst.d, w.tokens), now, worst.at, timeZone);
      if (w.jitterUntil !== undefined && w.jitterUntil > now) return `jitter: admissible at ${formatClock(w.jitterUntil, timeZone)}`;
      return 'admissible now';
    });
  }
}
