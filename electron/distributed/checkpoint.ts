// The per-submission checkpoint of a distributed run: one Redis hash per run, field = submission id, value =
// its result. The first finished result wins (HSETNX), so a redelivered chunk or a worker that wakes from a
// stall cannot replace it, and a worker skips every submission already there: a finished one is never re-called.
import type { Redis } from 'ioredis';
import type { SubmissionResult } from '../../shared/domain';
import { FLEET_PREFIX } from './protocol';

/** Long enough for any batch; the coordinator deletes the hash once it has committed everything. */
const CHECKPOINT_TTL_S = 7 * 24 * 3600;

export class Checkpoint {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    runKey: string,
  ) {
    this.key = `${FLEET_PREFIX}:checkpoint:{${runKey}}`;
  }

  /** Which of these ids already have a result. */
  async finished(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const got = await this.redis.hmget(this.key, ...ids);
    return new Set(ids.filter((_, i) => got[i] !== null));
  }

  /** Record a result unless one is there already; true when this one was stored. */
  async put(result: SubmissionResult): Promise<boolean> {
    const [[, set]] = (await this.redis
      .multi()
      .hsetnx(this.key, result.submissionId, JSON.stringify(result))
      .expire(this.key, CHECKPOINT_TTL_S)
      .exec()) as [[Error | null, number]];
    return set === 1;
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
