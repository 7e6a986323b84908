// Finished submissions. Each is committed in its own transaction (result row + rule verdicts + calls),
// so a crash loses nothing that finished and never leaves half a result. Saving a submission again
// (re-running undetermined rows) replaces its result, verdicts and call records in place, its timeline too.
import type { CallRecord, SubmissionResult, TimelineStep } from '../../shared/domain';
import { redactDeep } from '../redact';
import type { Db } from './db';

/** A stored result with the row's original cells, in the batch file's column order. */
export interface StoredResult {
  runId: number;
  cells: (string | null)[];
  result: SubmissionResult;
}

interface SubmissionRow {
  run_id: number;
  cells_json: string;
  result_json: string;
}

interface CallRow {
  submission_id: string;
  kind: CallRecord['kind'];
  provider: CallRecord['provider'];
  model: string;
  attempt: number;
  outcome: CallRecord['outcome'];
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  started_at: number;
  message: string | null;
}

interface StepRow {
  step: TimelineStep['step'];
  kind: TimelineStep['kind'];
  provider: TimelineStep['provider'];
  attempt: number;
  from_ms: number;
  admitted_ms: number | null;
  waited_on: TimelineStep['waitedOn'];
  sent_ms: number | null;
  to_ms: number;
  outcome: TimelineStep['outcome'];
  next: TimelineStep['next'];
  backoff_ms: number;
  note: string | null;
}

function toStep(r: StepRow): TimelineStep {
  return {
    step: r.step,
    kind: r.kind,
    provider: r.provider,
    attempt: r.attempt,
    from: r.from_ms,
    admittedAt: r.admitted_ms,
    waitedOn: r.waited_on,
    sentAt: r.sent_ms,
    to: r.to_ms,
    outcome: r.outcome,
    next: r.next,
    backoffMs: r.backoff_ms,
    note: r.note,
  };
}

function toStored(r: SubmissionRow): StoredResult {
  return { runId: r.run_id, cells: JSON.parse(r.cells_json) as (string | null)[], result: JSON.parse(r.result_json) as SubmissionResult };
}

export class Results {
  private readonly upsert;
  private readonly clearRules;
  private readonly insertRule;
  private readonly insertCall;
  private readonly clearCalls;
  private readonly clearSteps;
  private readonly insertStep;
  private readonly saveTx;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO submissions (run_id, submission_id, row, cells_json, status, score, category_scores_json, undetermined_points,
         requirements, provider, calls_used, error, finished_at, result_json)
       VALUES (@runId, @submissionId, @row, @cells, @status, @score, @categoryScores, @undeterminedPoints,
         @requirements, @provider, @callsUsed, @error, @finishedAt, @json)
       ON CONFLICT (run_id, submission_id) DO UPDATE SET
         row = excluded.row, cells_json = excluded.cells_json, status = excluded.status, score = excluded.score,
         category_scores_json = excluded.category_scores_json, undetermined_points = excluded.undetermined_points,
         requirements = excluded.requirements, provider = excluded.provider, calls_used = excluded.calls_used,
         error = excluded.error, finished_at = excluded.finished_at, result_json = excluded.result_json`,
    );
    this.clearRules = db.prepare('DELETE FROM rule_results WHERE run_id = ? AND submission_id = ?');
    this.insertRule = db.prepare(
      `INSERT INTO rule_results (run_id, submission_id, rule_id, category, name, points, earned, verdict, reason, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.clearCalls = db.prepare('DELETE FROM calls WHERE run_id = ? AND submission_id = ?');
    this.insertCall = db.prepare(
      `INSERT INTO calls (run_id, submission_id, kind, provider, model, attempt, outcome, input_tokens, output_tokens, latency_ms, started_at, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.clearSteps = db.prepare('DELETE FROM call_steps WHERE run_id = ? AND submission_id = ?');
    this.insertStep = db.prepare(
      `INSERT INTO call_steps (run_id, submission_id, seq, step, kind, provider, attempt, from_ms, admitted_ms, waited_on, sent_ms, to_ms,
         outcome, next, backoff_ms, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.saveTx = db.transaction((runId: number, full: SubmissionResult, cells: readonly (string | null)[]) => {
      // The timeline lives in its own table, not in the result's JSON (which the exports and the table read).
      const { timeline, ...r } = full;
      this.upsert.run({
        runId,
        submissionId: r.submissionId,
        row: r.row,
        cells: JSON.stringify(cells),
        status: r.status,
        score: r.score,
        categoryScores: JSON.stringify(r.categoryScores),
        undeterminedPoints: r.undeterminedPoints,
        requirements: r.requirementsNotMet,
        provider: r.provider,
        callsUsed: r.callsUsed,
        error: r.error ?? null,
        finishedAt: r.finishedAt,
        json: JSON.stringify(r),
      });
      this.clearRules.run(runId, r.submissionId);
      for (const x of r.rules) {
        this.insertRule.run(runId, r.submissionId, x.ruleId, x.category, x.name, x.points, x.earned, x.verdict, x.reason, x.source);
      }
      this.clearCalls.run(runId, r.submissionId);
      for (const c of r.calls) {
        this.insertCall.run(
          runId,
          r.submissionId,
          c.kind,
          c.provider,
          c.model,
          c.attempt,
          c.outcome,
          c.inputTokens,
          c.outputTokens,
          c.latencyMs,
          c.startedAt,
          c.message ?? null,
        );
      }
      this.clearSteps.run(runId, r.submissionId);
      (timeline ?? []).forEach((t, seq) => {
        const { kind, provider, attempt, from, admittedAt, waitedOn, sentAt, to, outcome, next, backoffMs, note } = t;
        this.insertStep.run(
          runId,
          r.submissionId,
          seq,
          t.step,
          kind,
          provider,
          attempt,
          from,
          admittedAt,
          waitedOn,
          sentAt,
          to,
          outcome,
          next,
          backoffMs,
          note,
        );
      });
    });
  }

  /** Commit one finished submission atomically; saving it again replaces it (no duplicate row). */
  save(runId: number, result: SubmissionResult, cells: readonly (string | null)[]): void {
    // Provider messages in calls, reasons and errors are masked at the write as well (docs/security.md).
    this.saveTx(runId, redactDeep(result), cells);
  }

  /** Ids already finished in a run (any status, Error included): a resumed run skips them. */
  finishedIds(runId: number): Set<string> {
    const rows = this.db.prepare('SELECT submission_id FROM submissions WHERE run_id = ?').pluck().all(runId) as string[];
    return new Set(rows);
  }

  /** Every finished result of a run, in row order. */
  list(runId: number): StoredResult[] {
    return (
      this.db.prepare('SELECT run_id, cells_json, result_json FROM submissions WHERE run_id = ? ORDER BY row').all(runId) as SubmissionRow[]
    ).map(toStored);
  }

  /** The rows whose outcome hangs on undetermined rules: what "re-run undetermined" re-evaluates. */
  review(runId: number): StoredResult[] {
    return (
      this.db
        .prepare(`SELECT run_id, cells_json, result_json FROM submissions WHERE run_id = ? AND status = 'Review' ORDER BY row`)
        .all(runId) as SubmissionRow[]
    ).map(toStored);
  }

  get(runId: number, submissionId: string): StoredResult | undefined {
    const row = this.db
      .prepare('SELECT run_id, cells_json, result_json FROM submissions WHERE run_id = ? AND submission_id = ?')
      .get(runId, submissionId) as SubmissionRow | undefined;
    return row && toStored(row);
  }

  /** How many physical calls of a run's stored results went to each provider. */
  callCounts(runId: number): Map<string, number> {
    const rows = this.db.prepare('SELECT provider, COUNT(*) AS n FROM calls WHERE run_id = ? GROUP BY provider').all(runId) as {
      provider: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.provider, r.n]));
  }

  /** The physical calls behind a submission's stored result, oldest first. */
  calls(runId: number, submissionId: string): CallRecord[] {
    const rows = this.db.prepare('SELECT * FROM calls WHERE run_id = ? AND submission_id = ? ORDER BY id').all(runId, submissionId) as CallRow[];
    return rows.map((c) => ({
      submissionId: c.submission_id,
      kind: c.kind,
      provider: c.provider,
      model: c.model,
      attempt: c.attempt,
      outcome: c.outcome,
      inputTokens: c.input_tokens,
      outputTokens: c.output_tokens,
      latencyMs: c.latency_ms,
      startedAt: c.started_at,
      ...(c.message === null ? {} : { message: c.message }),
    }));
  }

  /** The steps of a submission's calls as stored with its result, in the order they began. */
  timeline(runId: number, submissionId: string): TimelineStep[] {
    const rows = this.db
      .prepare('SELECT * FROM call_steps WHERE run_id = ? AND submission_id = ? ORDER BY seq')
      .all(runId, submissionId) as StepRow[];
    return rows.map(toStep);
  }
}
