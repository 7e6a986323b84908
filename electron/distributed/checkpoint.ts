// The per-submission checkpoint of a distributed run: one Redis hash per run, field = submission id, value =
// its result. Results are written by a claim's commit (claim.ts) with HSETNX: the first finished result wins, so a
// redelivered chunk or a worker that wakes from a stall cannot replace it, and a finished submission is never re-called.
import type { Redis } from 'ioredis';
import type { SubmissionResult } from '../../shared/domain';
import { FLEET_PREFIX } from './protocol';

/** Long enough for any batch; the coordinator deletes the hash once it has committed everything. */
const CHECKPOINT_TTL_S = 7 * 24 * 3600;

export class Checkpoint {
  readonly key: string;
  readonly ttlSeconds = CHECKPOINT_TTL_S;

  constructor(
    private readonly redis: Redis,
    private readonly runKey: string,
  ) {
    this.key = `${FLEET_PREFIX}:checkpoint:{${runKey}}`;
  }

  /** A key of this run in the checkpoint's hash slot (one `{runKey}` tag), for scripts that touch both. */
  relatedKey(suffix: string): string {
    return `${FLEET_PREFIX}:{${this.runKey}}:${suffix}`;
  }

  /** Which of these ids already have a result. */
  async finished(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const got = await this.redis.hmget(this.key, ...ids);
    return new Set(ids.filter((_, i) => got[i] !== null));
  }

  async get(id: string): Promise<SubmissionResult | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw === null ? null : (JSON.parse(raw) as SubmissionResult);
  }

  async all(): Promise<Map<string, SubmissionResult>> {
    const raw = await this.redis.hgetall(this.key);
    return new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as SubmissionResult]));
  }

  async clear(): Promise<void> {
    await this.redis.del(this.key);
  }
}
