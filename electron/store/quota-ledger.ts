// The engine's quota memory in the SQLite file (docs/engine-runtime.md "Restarts remember the quota"): one row per
// physical call, written when it is sent (a call in flight when the process dies was counted by the server too) and
// completed with the time of its answer and the tokens the provider reported, and the refusals a provider gave a key. Rows name the key by its
// hash only. A failed write never fails the call: the limiter in memory is unchanged; only a restart would know less.
import type { ProviderId } from '../../shared/provider';
import { SEED_LOOKBACK_MS, type QuotaBlock, type QuotaMemory, type SeedCharge } from '../engine/quota-memory';
import type { Db } from './db';

/** Old calls are dropped on open and after this many new ones (nothing older than the lookback is ever read). */
const PRUNE_EVERY = 5_000;

interface BlockRow {
  kind: QuotaBlock['kind'];
  model: string;
  reason: string;
  until: number | null;
}

export class QuotaLedger implements QuotaMemory {
  private readonly insertCall;
  private readonly settleCall;
  private readonly selectCalls;
  private readonly pruneCalls;
  private readonly upsertBlock;
  private readonly selectBlocks;
  private readonly deleteRefusals;
  private inserted = 0;
  private failed = false;

  constructor(
    db: Db,
    private readonly now: () => number,
    /** The hash of the provider's current API key, or null when it has none (nothing is stored or recalled). */
    private readonly keyHashOf: (p: ProviderId) => string | null,
    private readonly onError: (message: string) => void = (m) => console.error(m),
  ) {
    this.insertCall = db.prepare('INSERT INTO quota_calls (provider, key_hash, model, started_at, tokens) VALUES (?, ?, ?, ?, ?)');
    this.settleCall = db.prepare('UPDATE quota_calls SET answered_at = ?, tokens = coalesce(?, tokens) WHERE id = ?');
    this.selectCalls = db.prepare(
      `SELECT coalesce(answered_at, @now) AS at, tokens FROM quota_calls
       WHERE provider = @provider AND key_hash = @hash AND model = @model AND started_at >= @since ORDER BY at, id`,
    );
    this.pruneCalls = db.prepare('DELETE FROM quota_calls WHERE started_at < ?');
    this.upsertBlock = db.prepare(
      `INSERT INTO quota_blocks (provider, key_hash, model, kind, reason, until, learned_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (provider, key_hash, model, kind) DO UPDATE SET reason = excluded.reason, until = excluded.until, learned_at = excluded.learned_at`,
    );
    this.selectBlocks = db.prepare(
      'SELECT kind, model, reason, until FROM quota_blocks WHERE provider = ? AND key_hash = ? AND (until IS NULL OR until > ?)',
    );
    this.deleteRefusals = db.prepare(`DELETE FROM quota_blocks WHERE provider = ? AND kind IN ('misconfigured', 'unavailable')`);
    this.guard(() => this.pruneCalls.run(this.now() - SEED_LOOKBACK_MS));
  }

  recall(provider: ProviderId, model: string, since: number, now: number): SeedCharge[] {
    const hash = this.keyHashOf(provider);
    if (!hash) return [];
    return this.guard(() => this.selectCalls.all({ provider, hash, model, since, now: Math.round(now) }) as SeedCharge[]) ?? [];
  }

  started(provider: ProviderId, model: string, at: number, tokens: number): number | null {
    const hash = this.keyHashOf(provider);
    if (!hash) return null;
    return (
      this.guard(() => {
        const id = Number(this.insertCall.run(provider, hash, model, Math.round(at), Math.max(0, Math.round(tokens))).lastInsertRowid);
        if (++this.inserted % PRUNE_EVERY === 0) this.pruneCalls.run(this.now() - SEED_LOOKBACK_MS);
        return id;
      }) ?? null
    );
  }

  answered(handle: number, at: number, tokens: number | null): void {
    this.guard(() => this.settleCall.run(Math.round(at), tokens === null ? null : Math.max(0, Math.round(tokens)), handle));
  }

  blocks(provider: ProviderId): QuotaBlock[] {
    const hash = this.keyHashOf(provider);
    if (!hash) return [];
    return this.guard(() => this.selectBlocks.all(provider, hash, this.now()) as BlockRow[]) ?? [];
  }

  remember(provider: ProviderId, b: QuotaBlock): void {
    const hash = this.keyHashOf(provider);
    if (hash) this.guard(() => this.upsertBlock.run(provider, hash, b.model, b.kind, b.reason, b.until, this.now()));
  }

  forgetRefusals(provider: ProviderId): void {
    this.guard(() => this.deleteRefusals.run(provider));
  }

  /** Run a statement; on failure say so once (the disk is full or the file is locked) and carry on without it. */
  private guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!this.failed) this.onError(`quota memory not written: ${e instanceof Error ? e.message : String(e)} (a restart will know less)`);
      this.failed = true;
      return undefined;
    }
  }
}
