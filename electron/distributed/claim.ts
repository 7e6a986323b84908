// The per-submission claim of a distributed run (docs/scale-out.md "At-least-once delivery, exactly one call"). BullMQ
// can hand one chunk to two live workers at once (the first stalled past its lock); the claim makes sure only one of
// them calls a provider for a submission. It is a `SET NX PX` lease next to the run's checkpoint (one hash tag, so
// every script touches one slot), owned by one attempt of one worker, renewed while the submission is evaluated and
// removed in the same script that stores its result. A worker whose claim lapsed (suspended past it) makes no further
// call for it: validity is measured on this process's clock from the moment each renewal was sent, so it ends before
// Redis could have let anyone else take the claim.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SubmissionResult } from '../../shared/domain';
import type { Clock } from '../engine/clock';
import type { Checkpoint } from './checkpoint';

/** Done already: -1; taken: 0; else the holder's remaining milliseconds. */
const TAKE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return -1 end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[2]))`;

/** 1 while the claim is still this owner's (its expiry pushed back), else 0. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Store the result unless one is there (the first wins) and drop this owner's claim: 1 when this one was stored. */
const COMMIT = `
local stored = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return stored`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A holder's remaining time is re-read at most this often while another worker waits for it. */
const MAX_WAIT_STEP_MS = 1_000;

export class ClaimLostError extends Error {
  constructor(submissionId: string) {
    super(`the claim on submission ${submissionId} lapsed: another worker may hold it, so this one makes no further call`);
    this.name = 'AbortError';
  }
}

export class Claim {
  private readonly ac = new AbortController();
  private validUntil: number;
  private cancelRenew: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly claims: SubmissionClaims,
    readonly submissionId: string,
    readonly owner: string,
    sentAt: number,
  ) {
    this.validUntil = claims.validFrom(sentAt);
    this.scheduleRenew();
  }

  /** Aborted when the claim is lost: the evaluation stops, and nothing more is sent for the submission. */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /** Checked right before each provider call: false (and the signal aborted) once the claim may have lapsed. */
  readonly mayCall = (): boolean => {
    if (!this.ac.signal.aborted && this.claims.clock.now() >= this.validUntil) this.lose();
    return !this.ac.signal.aborted;
  };

  /** Store the result and give the claim up, in one step; true when this result is the one stored. */
  async commit(result: SubmissionResult): Promise<boolean> {
    this.stop();
    return this.claims.commit(this, result);
  }

  /** Give the claim up without a result (the evaluation was cancelled or failed). */
  async release(): Promise<void> {
    if (this.closed) return;
    this.stop();
    await this.claims.release(this).catch(() => {}); // unreleased, it lapses after its lease
  }

  private lose(): void {
    this.stop();
    this.ac.abort(new ClaimLostError(this.submissionId));
  }

  private stop(): void {
    this.closed = true;
    this.cancelRenew?.();
    this.cancelRenew = null;
  }

  private scheduleRenew(): void {
    this.cancelRenew = this.claims.clock.setTimer(this.claims.ttlMs / 3, () => void this.renew(), { background: true });
  }

  private async renew(): Promise<void> {
    if (this.closed) return;
    const sentAt = this.claims.clock.now();
    const held = await this.claims.renew(this).catch(() => null); // Redis unreachable: validity runs out on its own
    if (this.closed) return;
    if (held === false) return this.lose();
    if (held) this.validUntil = this.claims.validFrom(sentAt);
    if (!this.mayCall()) return;
    this.scheduleRenew();
  }
}

export class SubmissionClaims {
  private readonly attempt = randomBytes(4).toString('hex');

  constructor(
    private readonly redis: Redis,
    private readonly checkpoint: Checkpoint,
    /** The worker instance id; each chunk attempt adds its own suffix, so a redelivery to the same worker is another owner. */
    private readonly instanceId: string,
    readonly clock: Clock,
    /** Lease of one claim in milliseconds; renewed every third of it. */
    readonly ttlMs: number,
  ) {}

  private claimKey(submissionId: string): string {
    return this.checkpoint.relatedKey(`claim:${submissionId}`);
  }

  /** The end of validity for a lease whose command was sent at `sentAt` (a tenth of the lease kept as a margin). */
  validFrom(sentAt: number): number {
    return sentAt + this.ttlMs * 0.9;
  }

  /**
   * Claim a submission for this attempt. Null when it has a result already; while another worker holds it, waits
   * (for its result or for its lease to lapse) until `signal` aborts.
   */
  async take(submissionId: string, signal: AbortSignal): Promise<Claim | null> {
    const owner = `${this.instanceId}:${this.attempt}`;
    for (;;) {
      signal.throwIfAborted();
      const sentAt = this.clock.now();
      const r = Number(await this.redis.eval(TAKE, 2, this.checkpoint.key, this.claimKey(submissionId), submissionId, owner, this.ttlMs));
      if (r === -1) return null;
      if (r === 0) return new Claim(this, submissionId, owner, sentAt);
      await this.clock.sleep(Math.min(r, MAX_WAIT_STEP_MS), signal);
    }
  }

  async renew(claim: Claim): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, this.claimKey(claim.submissionId), claim.owner, this.ttlMs)) === 1;
  }

  async commit(claim: Claim, result: SubmissionResult): Promise<boolean> {
    const keys = [this.checkpoint.key, this.claimKey(claim.submissionId)];
    const args = [claim.submissionId, JSON.stringify(result), claim.owner, this.checkpoint.ttlSeconds];
    return Number(await this.redis.eval(COMMIT, 2, ...keys, ...args)) === 1;
  }

  async release(claim: Claim): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.claimKey(claim.submissionId), claim.owner);
  }
}
