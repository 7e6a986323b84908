// The rate limiter of one provider model: the scheduler over a QuotaStore (docs/scale-out.md "Shared quota").
// Exact earliest-start scheduling over all quota dimensions at once; no poll loop: one timer, set for the head of the
// queue's earliest admissible time as the store returned it, re-planned on every change.
import type { AdmissionWait } from '../../../shared/domain';
import type { Clock } from '../clock';
import { LatencyWindow } from '../latency-window';
import { uniform, type Rng } from '../rng';
import type { Admission } from './admission';
import type { Dimension, DimensionView } from './dimension';
import { explainWaiters, formatClock, formatCount } from './explain';
import { LastMinute } from './last-minute';
import {
  costOn,
  isTokenDimension,
  LocalQuotaStore,
  type AcquireResult,
  type Blocker,
  type MaybePromise,
  type QuotaStore,
  type Reservation,
} from './quota-store';
import { WaitQueue, type Waiter } from './wait-queue';

export type { Admission } from './admission';

/** Per-day dimensions: a wait on one of them is measured in hours, not seconds. */
const DAILY_DIMS: ReadonlySet<string> = new Set(['RPD', 'TPD']);
/** Longer than this, a wait for quota is not worth it: the router falls back instead (and queued requests leave). */
export const WAIT_HORIZON_MS = 2 * 60_000;
/** A store that failed to answer is asked again after this long (a shared store answers refusals itself). */
const STORE_RETRY_MS = 1_000;
/** The arrival guard is the longest of this many recent arrival bounds (docs/engine.md §1, "Arrival"). */
const ARRIVAL_SAMPLES = 64;
/**
 * An admission is not sent this close to its charge's end (docs/engine.md §1, "Aged admissions"): a shared store's
 * restamp reaches Redis a moment after the check, from an admission time read off its reply (the command timeout, at most).
 */
const AGED_MARGIN_MS = 1_000;

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

/**
 * One admission as the caller holds it, kept up to date in the dashboard's last-minute list (at `place`): a class
 * rather than closures, because one is made per call. Settled or refunded once; the reservation goes back to the store.
 */
class Ticket implements Admission {
  private open = true;
  /** The arrival guard moved the charge at the start: the answer's bound must replace it, even a bound of 0. */
  private shifted = false;
  /** When it counts from: its admission, then its start. */
  private at: number;
  /** The start the store stamped the charge with: every arrival bound is measured from this instant. */
  private startedAt: number | null = null;

  constructor(
    private readonly owner: TicketReturns,
    private readonly reservation: Reservation,
    private readonly place: number,
    readonly admittedAt: number,
    readonly waitedMs: number,
    readonly waitedOn: AdmissionWait | null,
  ) {
    this.at = admittedAt;
  }

  expired(now: number): boolean {
    return now + AGED_MARGIN_MS >= this.owner.countsUntil(this.reservation);
  }

  started(at: number): void {
    if (!this.open) return;
    this.startedAt = at;
    this.owner.restamp(this.reservation, at);
    this.at = Math.max(this.at, at);
    this.owner.recent.started(this.place, at);
    // Until its answer says better, the request may reach the server as late as the recent ones did; on a shared
    // store as late as the call's timeout, even before any bound: an instance killed in flight never corrects it.
    const within = this.owner.inFlight(this.owner.arrivalGuard());
    if (within > 0) {
      this.owner.arrive(this.reservation, within);
      this.shifted = true;
    }
  }
  answered(arrivedBy: number | undefined): void {
    if (!this.open) return;
    // From the stamped start, not the adapter's own (later) one: the store adds the bound to the stamp, and a bound
    // measured from a later start lets the charge leave before the server's (docs/engine.md §1, "Arrival").
    const start = this.startedAt ?? this.at;
    const bound = arrivedBy === undefined ? undefined : Math.max(0, arrivedBy - start);
    if (bound !== undefined) this.owner.arrivalSeen(bound);
    // This call's own bound replaces the guard. Without one, the server had it by the answer at the latest; a model
    // that never reported a bound (the virtual clock's) has nothing to correct.
    const within = bound ?? (this.owner.arrivalGuard() > 0 ? this.owner.now() - start : 0);
    if (within > 0 || this.shifted) this.owner.arrive(this.reservation, within);
  }
  settle(tokens: number): void {
    if (!this.open) return;
    this.open = false;
    this.owner.recent.settled(this.place, tokens);
    this.owner.settle(this.reservation, tokens);
  }
  refund(): void {
    if (!this.open) return;
    this.open = false;
    this.owner.recent.refunded(this.place);
    this.owner.refund(this.reservation);
  }
}

/** How a ticket reports back to its scheduler's store. */
interface TicketReturns {
  readonly recent: LastMinute;
  restamp(reservation: Reservation, at: number): void;
  countsUntil(reservation: Reservation): number;
  /** The store's arrive, when it has one. */
  arrive(reservation: Reservation, withinMs: number): void;
  /** The longest recent arrival bound (0 before any: the virtual clock's modelled providers give none). */
  arrivalGuard(): number;
  /** The bound a call in flight counts by, from the guard (see Ticket.started). */
  inFlight(guard: number): number;
  arrivalSeen(withinMs: number): void;
  now(): number;
  settle(reservation: Reservation, tokens: number): void;
  refund(reservation: Reservation): void;
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

const EPSILON = 1e-9;
const ignore = (): void => undefined;

function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as Promise<T> | undefined)?.then === 'function';
}

/** The blocker that frees last is why a request waits; none left means only its jitter holds it. */
function bindingWait(blockers: readonly Blocker[]): AdmissionWait {
  let last: Blocker | undefined;
  for (const b of blockers) if (!last || b.at > last.at) last = b;
  return last?.dimension ?? 'jitter';
}

export interface LimiterOptions {
  /**
   * The call timeout now. On a shared store a call in flight counts from its start plus this, the latest its request
   * can reach the server, until its answer gives the bound (docs/engine.md §1, "Arrival").
   */
  callTimeoutMs?: () => number;
}

export class RateLimiter {
  private queue = new WaitQueue();
  private seq = 0;
  private cancelWake: (() => void) | null = null;
  private wakeAt: number | null = null;
  /** An asynchronous acquire for the head is out: its reply re-plans; nobody asks twice at once. */
  private asking = false;
  /** The store woke this scheduler while an acquire was out: its refusal may predate the capacity, so ask again. */
  private wokenWhileAsking = false;
  /** The head the timer was set for, and the store's earliest time for it then (see pump). */
  private plannedFor: Waiter | null = null;
  private plannedAt = 0;
  /** Admissions of the last minute for the dashboard's RPM/TPM. */
  private readonly recent = new LastMinute();
  private admissions = 0;
  private totalWaitMs = 0;
  private jitterSum = 0;
  private jitterCount = 0;
  readonly store: QuotaStore;
  /** The store answers synchronously (in memory): acquire may admit without queueing. */
  private readonly syncStore: boolean;
  /** Recent arrival bounds of this model's calls (docs/engine.md §1, "Arrival"). */
  private readonly arrivals = new LatencyWindow(ARRIVAL_SAMPLES);
  private readonly returns: TicketReturns = {
    recent: this.recent,
    restamp: (r, at) => this.background(this.store.restamp(r, at)),
    countsUntil: (r) => this.store.countsUntil(r),
    arrive: (r, withinMs) => {
      if (this.store.arrive) this.background(this.store.arrive(r, withinMs));
    },
    arrivalGuard: () => (this.arrivals.size ? this.arrivals.quantile(1) : 0),
    inFlight: (guard) => (this.syncStore ? guard : Math.max(guard, this.opts.callTimeoutMs?.() ?? 0)),
    arrivalSeen: (withinMs) => this.arrivals.add(withinMs),
    now: () => this.clock.now(),
    settle: (r, tokens) => this.background(this.store.settle(r, tokens, this.clock.now())),
    refund: (r) => this.background(this.store.refund(r, this.clock.now())),
  };

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    dimsOrStore: Dimension[] | QuotaStore,
    private jitter: Jitter,
    private readonly opts: LimiterOptions = {},
  ) {
    this.store = Array.isArray(dimsOrStore) ? new LocalQuotaStore(dimsOrStore) : dimsOrStore;
    this.syncStore = this.store instanceof LocalQuotaStore;
    this.store.onWake(() => this.woken());
  }

  /** The limits in force (the store's live views). */
  get dims(): readonly DimensionView[] {
    return this.store.dims;
  }

  /** Wait for an admission. Rejects at once with QuotaError when `tokens` can never fit. */
  acquire(tokens: number, opts?: { priority?: number; signal?: AbortSignal }): Promise<Admission> {
    let never: DimensionView | undefined;
    for (const d of this.dims) if (costOn(d, tokens) > d.hardLimit) never ??= d;
    if (never) {
      const what = isTokenDimension(never.name) ? `${formatCount(tokens)} tokens` : '1 request';
      return Promise.reject(
        new QuotaError(`request needs ${what}, above the ${never.name} limit of ${formatCount(never.hardLimit)}: it can never run`),
      );
    }
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.clock.now();
    const asked = this.askNow(tokens, now);
    if (asked?.ok) return Promise.resolve(this.admit(asked.reservation, now, now, tokens, null));
    return new Promise<Admission>((resolve, reject) => {
      const w: Waiter = { seq: this.seq++, priority: opts?.priority ?? 0, tokens, enqueuedAt: this.clock.now(), resolve, reject };
      if (signal) {
        const onAbort = () => {
          this.queue.remove(w);
          w.gone = true;
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        w.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.insert(w);
      // Behind another waiter nothing changed for the head, which already has its timer or its store's answer coming.
      if (this.queue.first() !== w) return;
      if (!asked) return this.pump();
      // Alone in the queue: the store's refusal just now is its answer (not asked twice).
      const next = this.decide(w, asked, now);
      if (next === null) this.pump();
      else this.setWake(next, now);
    });
  }

  /**
   * The admission of `tokens` now, without waiting, or null. Only when nobody is queued (FIFO: never ahead of a waiter)
   * and the store answers synchronously; a request that can never fit is acquire()'s to reject. The caller skips the
   * await (docs/engine-runtime.md "One attempt"): the same admission pump() would make, minus the allocations.
   */
  tryAcquire(tokens: number): Admission | null {
    const now = this.clock.now();
    const r = this.askNow(tokens, now);
    return r?.ok ? this.admit(r.reservation, now, now, tokens, null) : null;
  }

  /** The synchronous store's answer for `tokens` now while nobody waits (its grant is charged), or null: not asked. */
  private askNow(tokens: number, now: number): AcquireResult | null {
    if (!this.syncStore || this.queue.length > 0 || this.asking) return null;
    return this.store.acquire(tokens, now, 0) as AcquireResult;
  }

  /** Provider-wide pause (server's suggested retry time, or an operator). Only ever extends. */
  pause(until: number): void {
    this.background(this.store.pause(until));
  }
  /** Lift a pause (operator). */
  unpause(): void {
    this.background(this.store.unpause());
  }
  get pausedUntilMs(): number | null {
    return this.store.pausedUntil(this.clock.now()) || null;
  }

  setJitter(j: Jitter): void {
    this.jitter = j;
  }

  /** Limits changed (config or AIMD): every scheduler on the store re-plans. */
  refresh(): void {
    this.store.wake();
  }

  /** Reject everyone waiting; the router falls back for them. */
  drain(reason: string): void {
    const waiting = this.queue.takeAll();
    for (const w of waiting) {
      w.gone = true;
      w.detach?.();
      w.reject(new LimiterDrainedError(reason));
    }
    this.pump();
  }

  /** When a new request of `tokens` could start if nothing were queued (router skip rules). */
  blockedUntil(tokens: number): number {
    return this.store.earliest(tokens, this.clock.now());
  }

  /**
   * A shared store's settle, refund, restamp or arrive that failed leaves Redis's charge where it was; the store's own
   * record moved, and it replays that after a reconnect. The outage is the store's to say (its trouble, found by the
   * next acquire), so nothing here is left to do (docs/scale-out.md "Redis down").
   */
  private background(v: MaybePromise<void>): void {
    if (isPromise(v)) v.catch(ignore);
  }

  private pump(): void {
    if (this.asking) return;
    const now = this.clock.now();
    let wake: number | null = null;
    for (let w = this.queue.first(); w; w = this.queue.first()) {
      // Woken (a settlement, a release) while the head's timer stands and its earliest time has not moved: the store
      // would refuse it with the same time. Asked without allocating a refusal, as this runs after every call.
      if (w === this.plannedFor && this.wakeAt !== null && this.syncStore && now < this.plannedAt) {
        if (Math.max(this.store.earliest(w.tokens, now), w.jitterUntil ?? 0) === this.plannedAt) return;
      }
      const result = this.store.acquire(w.tokens, now, w.jitterUntil ?? 0);
      if (isPromise(result)) {
        this.asking = true;
        const head = w;
        result.then(
          (r) => this.answered(head, r),
          (e) => this.answered(head, e),
        );
        return; // the timer stays as it is until the store answers
      }
      const next = this.decide(w, result, now);
      if (next === null) continue;
      wake = next;
      break;
    }
    this.setWake(wake, now);
    if (this.queue.length === 0) this.store.leave?.();
  }

  private woken(): void {
    if (this.asking) this.wokenWhileAsking = true;
    else this.pump();
  }

  /** An asynchronous store answered for `w` (a reply, or the error it failed with). */
  private answered(w: Waiter, r: AcquireResult | unknown): void {
    this.asking = false;
    // A shared store wakes one waiter at a time: a wake-up dropped here would leave the next waiter asleep.
    const woken = this.wokenWhileAsking;
    this.wokenWhileAsking = false;
    const now = this.clock.now();
    const reply = r as AcquireResult;
    if (typeof reply !== 'object' || reply === null || typeof reply.ok !== 'boolean') {
      this.setWake(now + STORE_RETRY_MS, now); // a failed acquire (a store that rejects rather than degrades) asks again
      return;
    }
    if (w.gone) {
      if (reply.ok) this.background(this.store.refund(reply.reservation, now));
    } else {
      const next = this.decide(w, reply, now);
      if (next !== null && !woken) {
        this.setWake(next, now);
        return;
      }
    }
    this.pump();
  }

  /** Act on the store's answer for the head `w`: null when it left the queue (admitted or turned away), else when to wake. */
  private decide(w: Waiter, r: AcquireResult, now: number): number | null {
    if (r.ok) {
      if (this.queue.first() === w) this.queue.shift();
      else this.queue.remove(w);
      w.gone = true;
      w.detach?.();
      w.resolve(this.admit(r.reservation, now, w.enqueuedAt, w.tokens, w.waitedOn ?? (now > w.enqueuedAt ? 'queue' : null)));
      return null;
    }
    if (r.at === Number.POSITIVE_INFINITY) {
      // Limits were lowered under a waiting request: it can never run now.
      this.turnAway(w, new QuotaError(`request of ${formatCount(w.tokens)} tokens no longer fits the lowered limits`));
      return null;
    }
    // The router checks the day before queueing; this catches requests that queued while others used the day up.
    const day = r.blockers.find((b) => DAILY_DIMS.has(b.dimension) && b.at > now + WAIT_HORIZON_MS);
    if (day) {
      this.turnAway(w, new QuotaError(`${day.dimension} quota spent until ${formatClock(day.at)}`));
      return null;
    }
    if (this.jitter.enabled && w.jitterUntil === undefined) {
      const m = uniform(this.rng, this.jitter.min, this.jitter.max);
      w.jitterUntil = now + (r.at - now) * m;
      this.jitterSum += Math.max(1, m); // a request is never admitted before its exact time
      this.jitterCount++;
    }
    const target = Math.max(r.at, w.jitterUntil ?? 0);
    this.plannedFor = w;
    this.plannedAt = target;
    w.waitedOn = bindingWait(r.blockers);
    return Math.ceil(target <= now + EPSILON ? now : target);
  }

  private turnAway(w: Waiter, e: Error): void {
    if (this.queue.first() === w) this.queue.shift();
    else this.queue.remove(w);
    w.gone = true;
    w.detach?.();
    w.reject(e);
  }

  /** Point the one timer at `wake` (null: none). */
  private setWake(wake: number | null, now: number): void {
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

  private admit(reservation: Reservation, now: number, enqueuedAt: number, tokens: number, waitedOn: AdmissionWait | null): Ticket {
    const ticket = new Ticket(this.returns, reservation, this.recent.add(now, tokens, now), now, now - enqueuedAt, waitedOn);
    this.admissions++;
    this.totalWaitMs += ticket.waitedMs;
    return ticket;
  }

  get queued(): number {
    return this.queue.length;
  }

  stats(): LimiterStats {
    const now = this.clock.now();
    const used: LimiterStats['used'] = {};
    const available: LimiterStats['available'] = {};
    for (const d of this.dims) {
      used[d.name] = d.used(now);
      available[d.name] = Math.max(0, d.limit - (used[d.name] ?? 0));
    }
    return {
      ...this.recent.count(now),
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
    return explainWaiters(this.store, this.queue.slice(n), this.clock.now(), timeZone);
  }
}
