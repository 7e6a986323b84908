// The batch runner: one run of one batch file through the worker pool. Every finished submission is
// committed on its own, so a crash, a kill or a closed app loses nothing that finished; a resumed run
// skips what is stored and redoes only what was in flight. "Re-run undetermined" re-evaluates the Review rows.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { SubmissionResult } from '../../shared/domain';
import type { BatchState } from '../../shared/telemetry';
import type { Clock } from '../engine/clock';
import type { Engine } from '../engine/engine';
import { WorkerPool } from '../engine/pool';
import { BatchTracker, type SnapshotAggregator } from '../engine/telemetry';
import type { Store } from '../store/store';
import type { RunRecord } from '../store/runs';
import { createAttachmentResolver } from './attachments';
import { evaluateSubmission, type EvaluationContext } from './evaluate';
import { readBatch } from './ingest';
import { RowBarrier } from './row-barrier';

export interface RunnerDeps {
  engine: Engine;
  store: Store;
  clock: Clock;
  /** Feeds the run's progress into the ~1 Hz snapshots that the UI and the CLI read. */
  aggregator: SnapshotAggregator;
  /** The providers are the simulator: the run is recorded as simulated. */
  simulated: boolean;
}

export type StartRunOptions =
  | { kind: 'new'; file: string; attachmentsRoot: string | null; threshold?: number }
  /** Continue a run: skip every stored submission. */
  | { kind: 'resume'; runId: number }
  /** Re-evaluate only the run's Review rows (their outcome hangs on undetermined rules). */
  | { kind: 'review'; runId: number };

export interface RunOutcome {
  runId: number;
  state: Extract<BatchState, 'finished' | 'cancelled'> | 'interrupted';
  evaluated: number;
  /** Submissions that could not be stored (the run stays resumable). */
  failures: string[];
}

export class RunError extends Error {
  override readonly name = 'RunError';
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class BatchRun {
  readonly done: Promise<RunOutcome>;
  private current: BatchState = 'running';

  constructor(
    private readonly deps: RunnerDeps,
    readonly run: RunRecord,
    readonly tracker: BatchTracker,
    private readonly pool: WorkerPool,
    work: Promise<RunOutcome>,
  ) {
    this.done = work;
  }

  get runId(): number {
    return this.run.id;
  }

  get state(): BatchState {
    return this.current;
  }

  /** Start no new submission; those in flight finish. */
  pause(): void {
    if (this.current !== 'running') return;
    this.pool.pause();
    this.setState('paused');
  }

  resume(): void {
    if (this.current !== 'paused') return;
    this.pool.resume();
    this.setState('running');
  }

  /** Abort in-flight calls; finished results are kept, unfinished rows can be resumed later. */
  cancel(): void {
    if (this.current === 'finished' || this.current === 'cancelled') return;
    this.current = 'cancelling';
    this.tracker.setState('cancelling');
    this.pool.cancel();
  }

  /** @internal the final state, once the pool has settled */
  settle(state: BatchState): void {
    this.current = state;
    this.tracker.setState(state);
  }

  private setState(state: 'running' | 'paused'): void {
    this.current = state;
    this.tracker.setState(state);
    this.deps.store.setRunState(this.run.id, state);
  }
}

export async function openRun(deps: RunnerDeps, opts: StartRunOptions): Promise<RunRecord> {
  if (opts.kind === 'new') {
    const contents = await readBatch(opts.file); // throws BatchFileError: nothing runs for a refused file
    const config = opts.threshold === undefined ? deps.engine.config : { ...deps.engine.config, acceptanceThreshold: opts.threshold };
    return deps.store.createRun({
      batchPath: opts.file,
      batchSha256: await fileSha256(opts.file),
      attachmentsRoot: opts.attachmentsRoot,
      columns: contents.columns,
      config,
      rules: deps.store.rules(),
      totalRows: contents.submissions.length,
      simulated: deps.simulated,
    });
  }
  const run = deps.store.getRun(opts.runId);
  if (!run) throw new RunError(`there is no run ${opts.runId} in ${deps.store.file}`);
  const sha = await fileSha256(run.batchPath).catch(() => null);
  if (sha === null) throw new RunError(`run ${run.id}: its batch file ${run.batchPath} can no longer be read`);
  if (sha !== run.batchSha256) throw new RunError(`run ${run.id}: the batch file ${run.batchPath} changed since the run started; start a new run`);
  return run;
}

/** Open (or reopen) a run and start its submissions; `done` settles when the pool has. */
export async function startRun(deps: RunnerDeps, opts: StartRunOptions, onResult?: (r: SubmissionResult) => void): Promise<BatchRun> {
  const run = await openRun(deps, opts);
  const contents = await readBatch(run.batchPath);
  const finished = deps.store.finishedIds(run.id);
  const review = opts.kind === 'review' ? new Set(deps.store.reviewResults(run.id).map((r) => r.result.submissionId)) : null;
  const todo = contents.submissions
    .map((submission, i) => ({ submission, cells: contents.rows[i] ?? [] }))
    .filter(({ submission }) => (review ? review.has(submission.id) : !finished.has(submission.id)));

  const { engine, store, clock } = deps;
  const pool = new WorkerPool({ clock, size: () => engine.workerTarget() });
  const tracker = new BatchTracker(clock, { runId: String(run.id), total: todo.length, budget: engine.config.maxCallsPerSubmission, workers: () => pool.stats().size });
  deps.aggregator.setBatch(tracker);
  store.setRunState(run.id, 'running');

  const base: Omit<EvaluationContext, 'signal'> = {
    engine,
    store,
    clock,
    runId: run.id,
    rules: run.rules,
    threshold: run.config.acceptanceThreshold,
    resolver: run.attachmentsRoot ? await createAttachmentResolver(run.attachmentsRoot, { allowUrlDownloads: engine.config.allowUrlDownloads }) : null,
    barrier: new RowBarrier(todo.map((t) => t.submission.row)),
  };

  let handle: BatchRun | null = null;
  const work = pool
    .run(todo, async ({ submission, cells }, signal) => {
      const result = await evaluateSubmission({ ...base, signal }, submission);
      store.saveResult(run.id, result, cells);
      // One cached call answers all the rules of its category (theme, pdf or image).
      const cacheHits = new Set(result.rules.filter((r) => r.source === 'cache').map((r) => r.category)).size;
      engine.events.emit({ type: 'submission_finished', at: clock.now(), submissionId: result.submissionId, status: result.status, score: result.score, callsUsed: result.callsUsed, cacheHits });
      onResult?.(result);
    })
    .then((outcomes): RunOutcome => {
      const failures = outcomes.flatMap((o, i) => (o.status === 'failed' ? [`${todo[i]?.submission.id}: ${String((o.error as Error)?.message ?? o.error)}`] : []));
      const cancelled = outcomes.some((o) => o.status === 'cancelled');
      const state = cancelled ? 'cancelled' : failures.length > 0 ? 'interrupted' : 'finished';
      if (state !== 'interrupted') store.setRunState(run.id, state);
      handle?.settle(state === 'interrupted' ? 'paused' : state);
      return { runId: run.id, state, evaluated: outcomes.filter((o) => o.status === 'done').length, failures };
    });
  handle = new BatchRun(deps, run, tracker, pool, work);
  return handle;
}
