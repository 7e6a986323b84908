// The planner's memory (docs/planner.md): every prediction, the run it was made for, and that run's actual
// makespan and RPM curve once it ends, so the console can say how good recent predictions were. Also the call
// history the provider model is fitted on.
import type { CallRecord } from '../../shared/domain';
import type { ConfigPrediction, PlanAccuracy, RpmPoint, RunActual } from '../../shared/plan';

export type { PlanAccuracy, RunActual } from '../../shared/plan';
import type { Db } from './db';

export interface StoredPlan {
  id: number;
  createdAt: number;
  batchSha256: string;
  configName: string;
  prediction: ConfigPrediction;
  runId: number | null;
  actual: RunActual | null;
}

/** One stored call, as the provider model reads it. */
export type HistoryCall = Pick<CallRecord, 'provider' | 'model' | 'kind' | 'outcome' | 'latencyMs' | 'startedAt'>;

interface PlanRow {
  id: number;
  created_at: number;
  batch_sha256: string;
  config_name: string;
  prediction_json: string;
  run_id: number | null;
  actual_json: string | null;
}

const MINUTE = 60_000;

function toPlan(r: PlanRow): StoredPlan {
  return {
    id: r.id,
    createdAt: r.created_at,
    batchSha256: r.batch_sha256,
    configName: r.config_name,
    prediction: JSON.parse(r.prediction_json) as ConfigPrediction,
    runId: r.run_id,
    actual: r.actual_json === null ? null : (JSON.parse(r.actual_json) as RunActual),
  };
}

export class Plans {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  save(batchSha256: string, prediction: ConfigPrediction): StoredPlan {
    const info = this.db
      .prepare('INSERT INTO plan_predictions (created_at, batch_sha256, config_name, prediction_json, makespan_s) VALUES (?, ?, ?, ?, ?)')
      .run(this.now(), batchSha256, prediction.config, JSON.stringify(prediction), prediction.makespan_s);
    return this.get(Number(info.lastInsertRowid)) as StoredPlan;
  }

  get(id: number): StoredPlan | undefined {
    const r = this.db.prepare('SELECT * FROM plan_predictions WHERE id = ?').get(id) as PlanRow | undefined;
    return r && toPlan(r);
  }

  /** Link the newest unlinked prediction of this batch named `configName` to the run; null when there is none. */
  attach(runId: number, batchSha256: string, configName: string): StoredPlan | null {
    const r = this.db
      .prepare('SELECT * FROM plan_predictions WHERE batch_sha256 = ? AND config_name = ? AND run_id IS NULL ORDER BY id DESC LIMIT 1')
      .get(batchSha256, configName) as PlanRow | undefined;
    if (!r) return null;
    this.db.prepare('UPDATE plan_predictions SET run_id = ? WHERE id = ?').run(runId, r.id);
    return this.get(r.id) ?? null;
  }

  forRun(runId: number): StoredPlan | undefined {
    const r = this.db.prepare('SELECT * FROM plan_predictions WHERE run_id = ? ORDER BY id DESC LIMIT 1').get(runId) as PlanRow | undefined;
    return r && toPlan(r);
  }

  /**
   * The run's actual outcome from its stored calls and results, on the engine's clock: from the first call to
   * the last finished submission, and calls started per minute. Stored on the run's prediction, if it has one.
   */
  recordActual(runId: number): RunActual | null {
    const calls = this.db.prepare('SELECT provider, started_at FROM calls WHERE run_id = ? ORDER BY started_at').all(runId) as {
      provider: string;
      started_at: number;
    }[];
    const first = calls[0];
    if (!first) return null;
    const end = this.db.prepare('SELECT MAX(finished_at) AS t FROM submissions WHERE run_id = ?').get(runId) as { t: number | null };
    const last = Math.max(end.t ?? first.started_at, calls[calls.length - 1]?.started_at ?? 0);
    const rpm: RpmPoint[] = [];
    for (const c of calls) {
      const minute = Math.floor((c.started_at - first.started_at) / MINUTE);
      while (rpm.length <= minute) rpm.push({ minute: rpm.length, gemini: 0, groq: 0 });
      const point = rpm[minute] as RpmPoint;
      if (c.provider === 'gemini' || c.provider === 'groq') point[c.provider]++;
    }
    const actual: RunActual = { makespan_s: Math.round((last - first.started_at) / 100) / 10, calls: calls.length, rpm };
    this.db
      .prepare('UPDATE plan_predictions SET actual_makespan_s = ?, actual_json = ? WHERE run_id = ?')
      .run(actual.makespan_s, JSON.stringify(actual), runId);
    return actual;
  }

  /** How far off the last `n` predictions with an actual outcome were. */
  accuracy(n = 10): PlanAccuracy {
    const rows = this.db
      .prepare('SELECT makespan_s, actual_makespan_s FROM plan_predictions WHERE actual_makespan_s > 0 ORDER BY id DESC LIMIT ?')
      .all(n) as { makespan_s: number; actual_makespan_s: number }[];
    if (rows.length === 0) return { runs: 0, withinPct: null, meanAbsPct: null };
    const errors = rows.map((r) => (Math.abs(r.makespan_s - r.actual_makespan_s) / r.actual_makespan_s) * 100);
    const round = (x: number) => Math.round(x * 10) / 10;
    return { runs: rows.length, withinPct: round(Math.max(...errors)), meanAbsPct: round(errors.reduce((a, b) => a + b, 0) / errors.length) };
  }

  /** The newest `limit` stored calls, for fitting the provider model. */
  history(limit: number): HistoryCall[] {
    return this.db
      .prepare('SELECT provider, model, kind, outcome, latency_ms AS latencyMs, started_at AS startedAt FROM calls ORDER BY id DESC LIMIT ?')
      .all(limit) as HistoryCall[];
  }

  /** Requests a provider's server has counted since `sinceMs` (calls it rejected with a 429 are not counted). */
  requestsSince(provider: string, sinceMs: number): number {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n FROM calls WHERE provider = ? AND started_at >= ? AND outcome NOT IN ('rate_limit', 'daily_quota')")
      .get(provider, sinceMs) as { n: number };
    return r.n;
  }
}
