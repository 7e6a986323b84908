// One instance's circuit breaker bound to the fleet's (docs/scale-out.md "Shared breaker"). This instance's own
// transitions go to the store (a traffic trip is a vote, an auth trip or an operator's hand a compare-and-set); the
// fleet's changes come back through the store's wake-up or a re-check at least every RECHECK_MS, and the local breaker
// follows them. Only the instance holding the fleet's probe goes half-open; its result closes or reopens the fleet.
import type { BreakerParams, BreakerTransition, CircuitBreaker } from '../breaker';
import type { Clock } from '../clock';
import { CLOSED, type BreakerStore, type FleetBreaker, type FleetChange } from './breaker-store';
import { watchStore } from './store-watch';

/** The state is read again at least this often (a wake-up can be lost; it also keeps this instance counted live). */
export const BREAKER_RECHECK_MS = 2_000;
/** An operator's change retries its compare-and-set this many times against concurrent changes. */
const OPERATOR_ATTEMPTS = 3;

export interface BreakerSyncOptions {
  breaker: CircuitBreaker;
  store: BreakerStore;
  clock: Clock;
  instanceId: string;
  params: () => BreakerParams;
  /** How long the fleet's probe is claimed: an instance that dies probing frees it after this long. */
  probeTtlMs: () => number;
}

export class BreakerSync {
  private known: FleetBreaker = CLOSED;
  /** Set while the local breaker is being moved to the fleet's state: those transitions are not this instance's. */
  private applying = false;
  private probeHeld = false;
  readonly stop: () => void;

  constructor(private readonly o: BreakerSyncOptions) {
    this.stop = watchStore(
      o.clock,
      (l) => o.store.onChange(l),
      () => this.refresh(),
      BREAKER_RECHECK_MS,
    );
  }

  /** Read the fleet's state and follow it. */
  async refresh(): Promise<void> {
    try {
      await this.apply(await this.o.store.read(this.o.instanceId));
    } catch {
      // out of reach: the local breaker goes on by itself meanwhile, and the next read follows the fleet again
    }
  }

  private follow(to: 'closed' | 'open' | 'half_open', fs: FleetBreaker, cause: string): void {
    this.applying = true;
    try {
      this.o.breaker.follow(to, cause, fs.tripCause ?? undefined, fs.forced);
    } finally {
      this.applying = false;
    }
  }

  private async apply(fs: FleetBreaker): Promise<void> {
    if (fs.generation !== this.known.generation) {
      this.known = fs;
      this.probeHeld = false;
      if (fs.state === 'closed') this.follow('closed', fs, fs.forced ? fs.cause : `closed for the fleet: ${fs.cause}`);
      else this.follow('open', fs, `open for the fleet: ${fs.cause}`);
    }
    const { state, until } = this.known;
    if (state !== 'open' || until === null || this.probeHeld || this.o.clock.now() < until) return;
    if (await this.o.store.claimProbe(this.o.instanceId, this.o.probeTtlMs())) {
      if (this.known.generation !== fs.generation) return; // the fleet moved on while the claim was out
      this.probeHeld = true;
      this.follow('half_open', fs, 'cooldown elapsed: this instance probes for the fleet');
    }
  }

  /** A transition of the local breaker (ProviderState's listener): what the fleet must hear of it. */
  onLocal(t: BreakerTransition): void {
    if (this.applying) return;
    const p = this.o.params();
    const open = (cooldownMs: number | null, forced = false): FleetChange => ({
      state: 'open',
      cooldownMs,
      forced,
      cause: t.cause,
      tripCause: t.tripCause ?? null,
    });
    const closed = (forced: boolean): FleetChange => ({ state: 'closed', cooldownMs: null, forced, cause: t.cause, tripCause: null });
    if (t.forced) return void this.operator(t.to === 'open' ? open(null, true) : closed(true));
    if (t.from === 'half_open' && this.probeHeld) {
      this.probeHeld = false;
      return void this.change(this.known.generation, t.to === 'closed' ? closed(false) : open(p.cooldownMs));
    }
    if (t.to !== 'open') return;
    if (t.tripCause === 'auth') return void this.change(this.known.generation, open(p.cooldownMs)); // at once, no quorum
    if (t.from === 'closed') void this.vote(open(p.cooldownMs));
  }

  private async vote(change: FleetChange): Promise<void> {
    try {
      await this.apply(await this.o.store.vote(this.o.instanceId, this.o.params().windowMs, change));
    } catch {
      // out of reach: this instance's breaker alone moved; the fleet's quorum counts its next failures
    }
  }

  /** One compare-and-set from `expected`; true if it applied. A lost race follows the winner's state. */
  private async change(expected: number, change: FleetChange): Promise<boolean> {
    try {
      const r = await this.o.store.set(expected, change);
      if (!r.ok) await this.apply(r.current);
      else {
        this.known = r.current;
        // Already open here, but on a cooldown timer of its own: the fleet's probe decides instead.
        if (r.current.state === 'open') this.follow('open', r.current, r.current.cause);
      }
      return r.ok;
    } catch {
      return false; // out of reach: not applied, as a lost race is not
    }
  }

  /** Reset or force-open: applies to every instance, whatever changed meanwhile (bounded retries, never following a loser's state). */
  private async operator(change: FleetChange): Promise<void> {
    for (let i = 0; i < OPERATOR_ATTEMPTS; i++) {
      try {
        const r = await this.o.store.set(this.known.generation, change);
        this.known = r.current; // on a lost race: the latest generation, to try again from
        if (r.ok) return;
      } catch {
        return; // out of reach: applied on this instance only; the shared quota's trouble says Redis is gone
      }
    }
    this.known = { ...this.known, generation: -1 }; // gave up: the next read makes this instance follow the fleet again
  }
}
