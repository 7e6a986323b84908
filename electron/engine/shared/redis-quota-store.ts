// The quota of one (provider, API key, model) shared by every instance through Redis (docs/scale-out.md "Shared
// quota", "Redis down"). Each operation is one Lua script (quota-scripts.ts); Redis TIME decides, and every reply
// carries the server's time so this instance keeps an offset for its one local timer. Capacity freed early wakes the
// next waiter of a global first-come queue on its own channel; a waiter also asks again at least every RECHECK_MS,
// since pub/sub can drop messages.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QuotaDimension } from '../../../shared/provider';
import type { Clock } from '../clock';
import { RefillingBucket } from '../limiter/bucket';
import { CalendarDay, nextMidnight, PACIFIC } from '../limiter/calendar-day';
import type { Dimension, DimensionView } from '../limiter/dimension';
import { formatClock } from '../limiter/explain';
import { costOn, LocalQuotaStore, type AcquireResult, type Blocker, type QuotaStore, type Reservation } from '../limiter/quota-store';
import { SlidingLog } from '../limiter/sliding-log';
import { keyHash } from '../quota-memory';
import { ACQUIRE, ARRIVE, CLOSE, DAYS, LEAVE, PAUSE, REPLAY, RESTAMP, SYNC, USAGE, WAKE } from './quota-scripts';
import type { WakeBus } from './wake-bus';
import { defineScripts } from './define-scripts';
import { EventBus } from '../events';

/** A waiter asks the shared store again at least this often (a wake-up can be lost over a reconnect). */
export const RECHECK_MS = 2_000;
/** A reservation outlives any call (settled or refunded long before); it only bounds what a crashed instance leaves. */
const RESERVATION_TTL_MS = 30 * 60_000;
/** An instance counts as live this long after its last acquire (for the Redis-down share of the quota). */
const LIVE_TTL_MS = 2 * 60_000;
/** A waiter's place in the queue lapses this long after its last ask: it asks every RECHECK_MS while it lives. */
export const WAITER_TTL_MS = 3 * RECHECK_MS;

type Kind = 's' | 'b' | 'd';

/** Redis keys for one (provider, key, model): a hash of the key, never the key, inside one {hash tag}. */
export function quotaKeyPrefix(provider: string, apiKey: string, model: string): string {
  return `ev:{${provider}:${keyHash(apiKey)}:${model}}`;
}

/** Redis keys for what one (provider, key) shares across its models (concurrency leases, the breaker). */
export function providerKeyPrefix(provider: string, apiKey: string): string {
  return `ev:{${provider}:${keyHash(apiKey)}}`;
}

interface QuotaCommands {
  evQuotaAcquire(prefix: string, ...args: (string | number)[]): Promise<(string | number)[]>;
  evQuotaRestamp(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaClose(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaPause(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaSync(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaReplay(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaLeave(prefix: string, waiter: string): Promise<number>;
  evQuotaWake(prefix: string): Promise<number>;
  evQuotaUsage(prefix: string, ...args: (string | number)[]): Promise<(string | number)[]>;
  evQuotaArrive(prefix: string, ...args: (string | number)[]): Promise<number>;
  evQuotaDays(prefix: string, ...args: (string | number)[]): Promise<string>;
}

/** The shared quota as Redis holds it now, for the Instances view. */
export interface SharedUsage {
  live: number;
  waiting: number;
  dims: { name: QuotaDimension; used: number; limit: number }[];
}

function num(v: string | number | undefined): number {
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  return Number(v);
}

/** The live instances as a script read them (liveRead in quota-scripts.ts). */
interface LiveRead {
  live: number;
  /** The read's counter: sent back once applied, so Redis knows this instance holds a count that recent. */
  seq: number;
  /** Every other live instance holds a count read after this one joined. */
  joined: boolean;
}

function liveOf(reply: unknown): LiveRead {
  const [live = 1, seq = 0, joined = 0] = (reply as (string | number)[]).map(num);
  return { live, seq, joined: joined === 1 };
}

/** One dimension as this instance last saw it in Redis: the limits it sends, the usage and blocking time it was told. */
export class SharedDimension implements DimensionView {
  /** Usage in the last reply. */
  seenUsed = 0;
  /** Local time until which the last reply said this dimension blocks. */
  blockedUntil = 0;
  sync?: (now: number, serverRemaining: number, serverLimit: number) => void;

  constructor(
    readonly name: QuotaDimension,
    readonly kind: Kind,
    public limit: number,
    public hardLimit: number,
    readonly windowMs: number,
    readonly timeZone: string,
  ) {}

  setLimits(limit: number, hardLimit: number): void {
    this.limit = limit;
    this.hardLimit = hardLimit;
  }
  used(_now: number): number {
    return this.seenUsed;
  }
  earliest(now: number, cost: number): number {
    if (cost > this.hardLimit) return Number.POSITIVE_INFINITY;
    return Math.max(now, this.blockedUntil);
  }
}

function viewOf(d: Dimension): SharedDimension {
  if (d instanceof SlidingLog) return new SharedDimension(d.name, 's', d.limit, d.hardLimit, d.windowMs, PACIFIC);
  if (d instanceof RefillingBucket) return new SharedDimension(d.name, 'b', d.limit, d.hardLimit, d.windowMs, PACIFIC);
  if (d instanceof CalendarDay) return new SharedDimension(d.name, 'd', d.limit, d.hardLimit, 24 * 60 * 60_000, d.timeZone);
  throw new Error(`no shared model for the ${d.name} dimension`);
}

/**
 * This instance's share of a dimension while Redis is out of reach: ⌊limit ÷ live instances⌋, in a local model; of a
 * day, ⌊what was left of it in the last reply ÷ live instances⌋ (the day so far is spent whoever spent it).
 */
function localShare(d: SharedDimension, live: number, now: number): Dimension {
  const share = (v: number) => Math.floor(v / Math.max(1, live));
  const [limit, hard] = [share(d.limit), Math.max(share(d.hardLimit), 1)];
  if (d.kind === 's') return new SlidingLog(d.name, limit, hard, d.windowMs);
  if (d.kind === 'b') return new RefillingBucket(d.name, limit, hard, d.windowMs, now);
  return new CalendarDay(d.name, share(Math.max(0, d.limit - d.seenUsed)), hard, now, d.timeZone);
}

/** A reservation taken locally while Redis was out of reach. */
interface FallbackReservation {
  fallback: Reservation;
  charge: LocalCharge;
}

/** A charge taken locally, to replay into Redis when it answers again; tokens < 0: refunded. */
interface LocalCharge {
  tokens: number;
  /** Local time of the admission. */
  at: number;
}

/**
 * A charge admitted through Redis, kept while the provider may still count it: a Redis restarted empty forgets it, and
 * a call admitted before the outage may be sent, or reach the server, well after it was found (docs/scale-out.md
 * "Redis down").
 */
interface OwnCharge {
  tokens: number;
  /** Local time of the admission, then of the call's start (restamp). */
  at: number;
  /** Local time by which the server had the request: infinite while in flight with no bound yet. */
  by: number;
  /** Sent (restamped): one still waiting for a slot is not waited out, else a slot store down too would hold it forever. */
  sent: boolean;
  /**
   * Still waiting for a slot when the share began: its charge on the share, moved, settled and refunded with the call,
   * so the share covers it when it goes out (see share).
   */
  onShare?: { store: LocalQuotaStore; reservation: Reservation };
}

/** A reservation admitted through Redis: its id there, and the connection it was taken on (see epoch). */
class SharedReservation {
  constructor(
    readonly id: string,
    readonly epoch: number,
    readonly charge: OwnCharge,
  ) {}
  toString(): string {
    return this.id;
  }
}

/** Local charges older than this count on no dimension any more (the longest is a day). */
const REPLAY_HORIZON_MS = 24 * 60 * 60_000;

export interface RedisQuotaStoreOptions {
  /** The command connection (scripts defined on it here); shared by every store of the process. */
  redis: Redis;
  /** The process's one subscriber connection. */
  wakeBus: WakeBus;
  /** From quotaKeyPrefix. */
  prefix: string;
  /** The local models of the same dimensions (buildDimensions): their kinds, windows and limits. */
  dims: Dimension[];
  clock: Clock;
  /** Unique per process (live-instance count). */
  instanceId: string;
  /** Told when the store degrades (Redis out of reach) and recovers: the UI and CLI say so loudly. */
  onTrouble?: (message: string | null) => void;
  /** How long this store's place in the waiter queue outlives its last ask; default WAITER_TTL_MS. */
  waiterTtlMs?: number;
}

export class RedisQuotaStore implements QuotaStore {
  readonly dims: SharedDimension[];
  private readonly redis: Redis & QuotaCommands;
  private readonly listeners = new EventBus<void>();
  /** Server time minus local time, from the last reply. */
  private offset = 0;
  /** Local time of the last good reply (null: none yet, so nothing is known about the others' charges). */
  private lastGood: number | null = null;
  /** Local time this instance found Redis out of reach: the others may have been admitted until then. */
  private downSince = 0;
  private down: string | null = null;
  /** Live instances on this quota as Redis last said (its share's divisor when Redis goes away; kept fresh by heartbeat). */
  private live = 1;
  /** The counter of the reply `live` came from: sent back, so Redis knows which count this instance holds (liveRead). */
  private liveSeq = 0;
  /** Every other live instance holds a count that includes this one (Redis's last word); see counted. */
  private joined = false;
  /** This instance was joined when the outage was found: else another may divide by a count without it, so no share. */
  private counted = false;
  /** Local time of this instance's last acquire through Redis: while recent, it is one of the live instances. */
  private askedAt: number | null = null;
  /** The heartbeat's timer, while one is set (see heartbeat). */
  private beat: (() => void) | null = null;
  /** This instance's share, while Redis is out of reach and for one window after it answers again (shareUntil). */
  private fallback: LocalQuotaStore | null = null;
  private shareUntil = Number.POSITIVE_INFINITY;
  /** Admitting on the share in this outage (said once). */
  private sharing = false;
  /** This instance's charges since Redis went out of reach (docs/scale-out.md "Redis down"). */
  private localCharges: LocalCharge[] = [];
  /** This instance's charges admitted through Redis that the provider may still count (pruned as they leave). */
  private own: OwnCharge[] = [];
  /** How many of them the last prune kept: the next waits until twice as many, so a grant costs O(1) amortized. */
  private ownKept = 0;
  /** Those of them the provider may still count when the outage was found: the hold waits them out, the replay sends them. */
  private behind: OwnCharge[] = [];
  /** Bumped on each reconnect after a drop: a restarted Redis reuses reservation ids, so older ones are not sent there. */
  private epoch = 0;
  /** The id Redis marked this quota with when this instance first asked ('' until known): see replayDays. */
  private born = '';
  private bornAsked = false;
  /** This instance's charges through Redis that left every per-minute window, summed per day dimension and day. */
  private readonly dayUsed = new Map<string, { name: QuotaDimension; reset: number; amount: number }>();
  /** Local time until which the store is known to be paused. */
  private pausedSeen = 0;
  /** The connection came back after a disconnect (a restarted Redis may be empty), not just a command timing out: see holding. */
  private reconnected = false;
  private readonly window: number;
  /** This store's id in the waiter queue (one scheduler asks through one store). */
  readonly waiterId = randomUUID();
  /** The last reply put this store in the waiter queue. */
  private queued = false;

  constructor(private readonly o: RedisQuotaStoreOptions) {
    this.redis = defineScripts<QuotaCommands>(o.redis, {
      evQuotaAcquire: ACQUIRE,
      evQuotaRestamp: RESTAMP,
      evQuotaClose: CLOSE,
      evQuotaPause: PAUSE,
      evQuotaSync: SYNC,
      evQuotaReplay: REPLAY,
      evQuotaLeave: LEAVE,
      evQuotaWake: WAKE,
      evQuotaUsage: USAGE,
      evQuotaArrive: ARRIVE,
      evQuotaDays: DAYS,
    });
    this.dims = o.dims.map(viewOf);
    for (const d of this.dims) {
      if (d.kind === 'b') d.sync = (_now, remaining, limit) => void this.syncBucket(d, remaining, limit).catch(() => undefined);
    }
    // One full window of the per-minute dimensions: what the others may have charged that this instance can't see.
    this.window = Math.max(...this.dims.filter((d) => d.kind !== 'd').map((d) => d.windowMs), 60_000);
    o.wakeBus.subscribe(`${o.prefix}:wake:${this.waiterId}`, () => this.notify());
    o.redis.on('ready', () => {
      const dropped = this.down !== null;
      if (dropped) {
        this.reconnected = true; // a reconnect after a drop: the Redis it reached may be a restarted, empty one
        this.epoch++;
      }
      this.recovered();
      if (dropped) void this.replayDays();
    });
    // A dropped connection is an outage even if no acquire failed meanwhile (a Redis restarted within a second).
    o.redis.on('reconnecting', () => this.wentDown(new Error('connection to Redis lost')));
  }

  private args(): (string | number)[] {
    const serverNow = this.o.clock.now() + this.offset;
    const out: (string | number)[] = [this.dims.length];
    for (const d of this.dims) {
      const reset = d.kind === 'd' ? nextMidnight(serverNow, d.timeZone) : 0;
      out.push(d.name, d.kind, d.limit, d.hardLimit, d.windowMs, reset);
    }
    return out;
  }

  private heard(serverNow: number): void {
    const local = this.o.clock.now();
    this.offset = serverNow - local;
    this.lastGood = local;
  }

  private heardLive(l: LiveRead): void {
    this.live = Math.max(1, l.live);
    this.liveSeq = l.seq;
    this.joined = l.joined;
  }

  private toLocal(serverMs: number): number {
    return serverMs - this.offset;
  }

  async acquire(tokens: number, now: number, notBefore = 0): Promise<AcquireResult> {
    if (this.down && this.o.redis.status === 'ready') this.recovered(); // a timeout without a disconnect: try again
    if (this.down) return this.degraded(tokens, now, notBefore);
    const hold = this.reconnected ? this.holding(now) : null;
    if (hold) return hold;
    const share = this.heldShare(tokens, now, notBefore);
    if (share && !share.ok) return share;
    // The share's charge stays as taken (never settled): for its one window it may only over-count this instance.
    const held = share?.ok ? share : null;
    const unshare = () => held && this.fallback?.refund(held.reservation, this.o.clock.now());
    let reply: (string | number)[];
    try {
      const nb = notBefore > 0 ? notBefore + this.offset : 0;
      const waiter = [this.waiterId, this.o.waiterTtlMs ?? WAITER_TTL_MS, this.liveSeq];
      reply = await this.redis.evQuotaAcquire(
        this.o.prefix,
        tokens,
        nb,
        RESERVATION_TTL_MS,
        this.o.instanceId,
        LIVE_TTL_MS,
        ...this.args(),
        ...waiter,
      );
    } catch (e) {
      unshare();
      this.wentDown(e);
      return this.degraded(tokens, this.o.clock.now(), notBefore);
    }
    if (reply[0] !== 1) unshare();
    this.heard(num(reply[2]));
    this.heardLive(liveOf(reply[3]));
    if (!this.bornAsked) {
      this.bornAsked = true;
      this.redis.evQuotaDays(this.o.prefix, randomUUID(), '', 0).then(
        (id) => (this.born ||= String(id)),
        () => (this.bornAsked = false),
      );
    }
    this.askedAt = this.o.clock.now();
    this.beat ??= this.o.clock.setTimer(RECHECK_MS, () => this.heartbeat(), { background: true });
    const n = this.dims.length;
    this.dims.forEach((d, i) => (d.seenUsed = num(reply[4 + i])));
    const local = this.o.clock.now();
    this.queued = reply[0] !== 1;
    if (reply[0] === 1) {
      for (const d of this.dims) d.blockedUntil = 0;
      const charge: OwnCharge = { tokens, at: this.toLocal(num(reply[2])), by: Number.POSITIVE_INFINITY, sent: false };
      if (this.own.length >= 2 * this.ownKept + 64) this.pruneOwn(local);
      this.own.push(charge);
      const reservation = new SharedReservation(String(reply[1]), this.epoch, charge);
      return { ok: true, reservation, at: num(reply[2]) }; // the server's time of the admission
    }
    const blockers: Blocker[] = [];
    for (let i = 4 + n; i + 1 < reply.length; i += 2) {
      const dimension = String(reply[i]) as Blocker['dimension'];
      const at = this.toLocal(num(reply[i + 1]));
      blockers.push({ dimension, at });
      if (dimension === 'pause') this.pausedSeen = at;
      const view = this.dims.find((d) => d.name === dimension);
      if (view) view.blockedUntil = at;
    }
    const at = this.toLocal(num(reply[1]));
    // Ask again by the re-check at the latest: a wake-up published meanwhile may have been lost.
    return { ok: false, at: at === Number.POSITIVE_INFINITY ? at : Math.min(at, local + RECHECK_MS), blockers };
  }

  /** Redis is out of reach: nothing for one full window after the last good reply, then this instance's share, locally. */
  private degraded(tokens: number, now: number, notBefore: number): AcquireResult {
    const hold = this.holdUntil(now);
    if (now < hold) return { ok: false, at: Math.min(hold, now + RECHECK_MS), blockers: [{ dimension: 'store', at: hold }] };
    if (!this.sharing) {
      this.sharing = true;
      this.o.onTrouble?.(this.trouble()); // the move to the local share is said as loudly as the outage was
    }
    const share = this.share(now);
    if (!share) return this.uncounted(now, now + RECHECK_MS);
    const r = share.acquire(tokens, now, notBefore);
    if (!r.ok) return r;
    const charge: LocalCharge = { tokens, at: now };
    this.localCharges = this.localCharges.filter((c) => c.tokens >= 0 && c.at > now - REPLAY_HORIZON_MS);
    this.localCharges.push(charge);
    return { ok: true, reservation: { fallback: r.reservation, charge } satisfies FallbackReservation, at: r.at };
  }

  /**
   * Redis answers again after a dropped connection, but a restarted Redis (no persistence) has forgotten the fleet's
   * charges of the last window, and the simulator or Gemini still counts them: admitting at once would overshoot. Every
   * charge it held was made before this instance found the outage, so nothing is admitted until one window after that,
   * whether Redis came back or not (docs/scale-out.md "Redis down"). Null once that hold is over.
   */
  private holding(now: number): AcquireResult | null {
    const hold = Math.max(this.downSince + this.window, this.behindUntil(now));
    if (now >= hold) return null;
    return { ok: false, at: Math.min(hold, now + RECHECK_MS), blockers: [{ dimension: 'store', at: hold }] };
  }

  /**
   * For one window after Redis answers again an admission needs this instance's share too: the others' local charges
   * reach Redis only as each of them reconnects and replays, so Redis alone would admit the whole limit over them.
   */
  private heldShare(tokens: number, now: number, notBefore: number): AcquireResult | null {
    if (this.shareUntil === Number.POSITIVE_INFINITY) return null; // no outage behind
    if (now >= this.shareUntil) {
      this.fallback = null;
      this.shareUntil = Number.POSITIVE_INFINITY;
      return null;
    }
    return this.share(now)?.acquire(tokens, now, notBefore) ?? this.uncounted(now, this.shareUntil);
  }

  /**
   * This instance's share of the quota for this outage, or null if it was not counted by every instance (counted). A
   * call admitted through Redis before the outage and still waiting for a slot is charged on the share from its start:
   * it goes out after the hold, where nothing else counts it for the others (docs/scale-out.md "Redis down").
   */
  private share(now: number): LocalQuotaStore | null {
    if (!this.counted) return null;
    if (this.fallback) return this.fallback;
    const share = new LocalQuotaStore(this.dims.map((d) => localShare(d, this.live, now)));
    for (const c of this.behind)
      if (!c.sent && this.mayCount(c, now)) c.onShare = { store: share, reservation: share.take(c.tokens, now).reservation };
    return (this.fallback = share);
  }

  /** The charge of `r` on the share of now, if it has one there (see share). */
  private onShare(r: Reservation): Reservation | null {
    const on = r instanceof SharedReservation ? r.charge.onShare : undefined;
    return on && on.store === this.fallback ? on.reservation : null;
  }

  /** Not counted by every other instance: admit nothing until `until` (another may be using this one's share). */
  private uncounted(now: number, until: number): AcquireResult {
    return { ok: false, at: Math.min(until, now + RECHECK_MS), blockers: [{ dimension: 'store', at: until }] };
  }

  /**
   * Nothing for one full window from the moment the outage was found (with no good reply ever, nothing at all): this
   * instance's last good reply may be long before it, and the others may have been admitted until Redis stopped.
   */
  private holdUntil(now: number): number {
    return Math.max((this.lastGood === null ? now : this.downSince) + this.window, this.behindUntil(now));
  }

  /** Drops own charges the provider no longer counts in a per-minute window, keeping their part of each day. */
  private pruneOwn(now: number): void {
    const keep: OwnCharge[] = [];
    const serverNow = now + this.offset;
    for (const c of this.own) {
      if (this.mayCount(c, now)) {
        keep.push(c);
        continue;
      }
      for (const d of this.dims) {
        if (d.kind !== 'd') continue;
        const reset = nextMidnight(c.at + this.offset, d.timeZone);
        if (reset <= serverNow) continue; // of a day already over
        const key = `${d.name}:${reset}`;
        const day = this.dayUsed.get(key) ?? { name: d.name, reset, amount: 0 };
        day.amount += costOn(d, Math.max(0, c.tokens));
        this.dayUsed.set(key, day);
      }
    }
    this.own = keep;
    this.ownKept = keep.length;
    for (const [k, day] of this.dayUsed) if (day.reset <= serverNow) this.dayUsed.delete(k);
  }

  /**
   * After a reconnect: if this Redis lost what it held (restarted empty, DAYS), this instance's charges of today that
   * left the per-minute windows go back into the day counters; those still inside one went with the replay. Failing,
   * the next reconnect compares again.
   */
  private async replayDays(): Promise<void> {
    if (!this.born) return;
    this.pruneOwn(this.o.clock.now());
    const days = [...this.dayUsed.values()].flatMap((d) => [d.name, d.reset, d.amount]);
    try {
      this.born = String(await this.redis.evQuotaDays(this.o.prefix, randomUUID(), this.born, days.length / 3, ...days));
    } catch {
      // still down: the next reconnect compares again
    }
  }

  /** The provider may still count this charge of this instance's: not yet sent or arrived, or arrived within a window. */
  private mayCount(c: OwnCharge, now: number): boolean {
    return c.by + this.window > now && c.at > now - RESERVATION_TTL_MS;
  }

  /**
   * One window after the latest arrival of this instance's calls sent on an admission through Redis before the outage:
   * one in flight may reach the server now, and Redis (restarted, or unreachable) does not count it for the others.
   */
  private behindUntil(now: number): number {
    this.behind = this.behind.filter((c) => this.mayCount(c, now));
    let latest = Number.NEGATIVE_INFINITY;
    // One the share counts needs no hold: the share's window covers it.
    for (const c of this.behind) if (c.sent && c.onShare?.store !== this.fallback) latest = Math.max(latest, Math.min(c.by, now));
    return latest + this.window;
  }

  private wentDown(e: unknown): void {
    if (this.down) return;
    // A reconnect that failed again before any good reply (a flap) is the same outage, found at the same time.
    if ((this.lastGood ?? 0) > this.downSince) this.downSince = this.o.clock.now();
    this.shareUntil = Number.POSITIVE_INFINITY;
    const now = this.o.clock.now();
    this.behind = this.own.filter((c) => this.mayCount(c, now));
    this.counted = this.joined;
    this.sharing = false;
    this.reconnected = false;
    this.down = e instanceof Error ? e.message : String(e);
    this.o.onTrouble?.(this.trouble());
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = null;
    // New admissions go through Redis again, after the replay (same connection, in order), and through the share.
    const now = this.o.clock.now();
    this.shareUntil = now + this.window;
    this.replayCharges();
    this.o.onTrouble?.(null);
    this.notify();
  }

  trouble(): string | null {
    if (!this.down) return null;
    const now = this.o.clock.now();
    const hold = this.holdUntil(now);
    if (now < hold)
      return `shared quota unreachable (${this.down}): admitting nothing until ${formatClock(hold)}, the other instances' charges are unknown`;
    const recent = 'this instance joined too recently to be counted by every other instance';
    if (!this.counted) return `shared quota unreachable (${this.down}): admitting nothing until it answers, ${recent}`;
    return `shared quota unreachable (${this.down}): running locally on 1/${this.live} of the quota`;
  }

  /**
   * This instance's local charges into the shared count; kept for the next recovery if Redis fails again meanwhile.
   * After a drop, the Redis reached may be restarted and empty: its charges admitted through Redis before the outage that
   * the provider may still count go too, at their arrival bound (or now, while in flight), so the others see them.
   */
  private replayCharges(): void {
    const now = this.o.clock.now();
    const lost = this.reconnected ? this.behind.filter((c) => this.mayCount(c, now)) : [];
    const charges = [...this.localCharges.filter((c) => c.tokens >= 0), ...lost.map((c) => ({ tokens: c.tokens, at: Math.min(c.by, now) }))];
    this.localCharges = [];
    if (charges.length === 0) return;
    const flat = charges.flatMap((c) => [c.tokens, Math.round(c.at + this.offset)]);
    this.redis.evQuotaReplay(this.o.prefix, charges.length, ...flat, ...this.args()).catch(() => {
      this.localCharges = [...charges, ...this.localCharges];
    });
  }

  private isFallback(r: Reservation): r is FallbackReservation {
    return typeof r === 'object' && r !== null && 'fallback' in r;
  }

  /** Taken on the Redis reached now: one taken before a reconnect may name another reservation in a restarted Redis. */
  private current(r: Reservation): boolean {
    return !(r instanceof SharedReservation) || r.epoch === this.epoch;
  }

  /** From the admission's own time, as Redis (or the share, replayed there at that time) counts it. */
  countsUntil(reservation: Reservation): number {
    const charge = this.isFallback(reservation) || reservation instanceof SharedReservation ? reservation.charge : null;
    if (!charge) return Number.POSITIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    for (const d of this.dims) {
      if (d.kind === 's') until = Math.min(until, charge.at + d.windowMs);
      else if (d.kind === 'd') until = Math.min(until, this.toLocal(nextMidnight(charge.at + this.offset, d.timeZone)));
    }
    return until;
  }

  async restamp(reservation: Reservation, at: number): Promise<void> {
    if (this.isFallback(reservation)) return this.fallback?.restamp(reservation.fallback, at);
    if (reservation instanceof SharedReservation) {
      reservation.charge.at = Math.max(reservation.charge.at, at);
      reservation.charge.sent = true;
    }
    const shared = this.onShare(reservation);
    if (shared) this.fallback?.restamp(shared, at);
    if (this.current(reservation)) await this.redis.evQuotaRestamp(this.o.prefix, String(reservation), ...this.args());
  }

  /** The bound is a duration on this instance's clock; the script adds it to the start in Redis time. */
  async arrive(reservation: Reservation, withinMs: number): Promise<void> {
    if (this.isFallback(reservation)) return this.fallback?.arrive(reservation.fallback, withinMs);
    if (reservation instanceof SharedReservation) reservation.charge.by = reservation.charge.at + withinMs;
    const shared = this.onShare(reservation);
    if (shared) this.fallback?.arrive(shared, withinMs);
    if (this.current(reservation)) await this.redis.evQuotaArrive(this.o.prefix, String(reservation), Math.ceil(withinMs), ...this.args());
  }

  async settle(reservation: Reservation, tokens: number, now: number): Promise<void> {
    if (this.isFallback(reservation)) {
      if (reservation.charge.tokens >= 0) reservation.charge.tokens = tokens;
      return this.fallback?.settle(reservation.fallback, tokens, now);
    }
    this.answered(reservation, tokens, now);
    if (this.current(reservation)) await this.redis.evQuotaClose(this.o.prefix, String(reservation), Math.max(0, tokens), ...this.args());
  }

  async refund(reservation: Reservation, now: number): Promise<void> {
    if (this.isFallback(reservation)) {
      reservation.charge.tokens = -1;
      return this.fallback?.refund(reservation.fallback, now);
    }
    // A refund may follow a call the server saw (a 429, a lost answer): counted as it was, with its tokens.
    this.answered(reservation, null, now);
    if (this.current(reservation)) await this.redis.evQuotaClose(this.o.prefix, String(reservation), -1, ...this.args());
  }

  /**
   * The server had this call by its answer at the latest (null: tokens as admitted). Its charge on the share closes
   * alike: a refund frees it only if the call was never sent.
   */
  private answered(r: Reservation, tokens: number | null, now: number): void {
    if (!(r instanceof SharedReservation)) return;
    if (tokens !== null) r.charge.tokens = tokens;
    r.charge.by = Math.min(r.charge.by, now);
    const shared = this.onShare(r);
    if (!shared) return;
    if (tokens === null && !r.charge.sent) this.fallback?.refund(shared, now);
    else this.fallback?.settle(shared, r.charge.tokens, now);
  }

  private async syncBucket(d: SharedDimension, remaining: number, serverLimit: number): Promise<void> {
    const i = this.dims.indexOf(d);
    const all = this.args();
    await this.redis.evQuotaSync(this.o.prefix, remaining, serverLimit, ...all.slice(1 + i * 6, 7 + i * 6));
  }

  earliest(tokens: number, now: number): number {
    let at = Math.max(now, this.pausedUntil(now));
    for (const d of this.dims) at = Math.max(at, d.earliest(now, d.name === 'TPM' || d.name === 'TPD' ? tokens : 1));
    return at;
  }

  async pause(until: number): Promise<void> {
    if (until > this.pausedSeen) this.pausedSeen = until;
    this.notify();
    await this.redis.evQuotaPause(this.o.prefix, Math.ceil(until + this.offset));
  }

  async unpause(): Promise<void> {
    this.pausedSeen = 0;
    await this.redis.evQuotaPause(this.o.prefix, 0); // publishes the wake-up
  }

  pausedUntil(now: number): number {
    return this.pausedSeen > now ? this.pausedSeen : 0;
  }

  /** Capacity may have freed or limits changed here: this instance's scheduler re-plans, and the next waiter asks. */
  wake(): void {
    this.notify();
    this.redis.evQuotaWake(this.o.prefix).catch(() => undefined);
  }

  /**
   * The live count, read again every RECHECK_MS while this instance is one of them: one whose calls are in flight asks
   * Redis nothing meanwhile, and a count from before another instance joined would make its share too large if Redis
   * went away now (docs/scale-out.md "Redis down"). It stops while Redis is down, after close, and once idle.
   */
  private heartbeat(): void {
    this.beat = null;
    const idle = this.askedAt === null || this.o.clock.now() - this.askedAt > LIVE_TTL_MS;
    if (this.down || idle || this.o.redis.status === 'end') return;
    const again = () => {
      this.beat ??= this.o.clock.setTimer(RECHECK_MS, () => this.heartbeat(), { background: true });
    };
    this.usage().then(again, again);
  }

  /** Every instance's usage of this quota, the live instances and the waiting schedulers, read from Redis now. */
  async usage(): Promise<SharedUsage> {
    const r = await this.redis.evQuotaUsage(this.o.prefix, LIVE_TTL_MS, ...this.args(), this.o.instanceId, this.liveSeq);
    const live = liveOf(r[1]);
    if (!this.down) this.heardLive(live);
    return {
      live: live.live,
      waiting: num(r[2]),
      dims: this.dims.map((d, i) => ({ name: d.name, used: num(r[3 + i]), limit: d.limit })),
    };
  }

  /** The scheduler has nothing left to ask for: give up the place in the queue at once rather than after its lapse. */
  leave(): void {
    if (!this.queued) return;
    this.queued = false;
    this.redis.evQuotaLeave(this.o.prefix, this.waiterId).catch(() => undefined); // else it lapses by itself
  }

  private notify(): void {
    this.listeners.emit();
  }

  onWake(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}
