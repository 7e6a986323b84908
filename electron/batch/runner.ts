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
import type { SnapshotAggregator } from '../engine/telemetry';
import { BatchTracker } from './batch-tracker';
import { HEARTBEAT_MS, type RunLock } from '../store/run-lock';
import type { Store } from '../store/store';
import type { RunRecord } from '../store/runs';
import { storageFault, type StorageError } from '../store/storage-fault';
import { createAttachmentResolver } from './attachments/attachments';
import { evaluateSubmission, type EvaluationContext } from './evaluate';
import { readBatch } from './ingest/ingest';
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
  /** The disk fault that stopped the run (full, read-only...): no call was started after it. */
  storage: StorageError | null;
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

/** Heartbeat the run lock until stopped; a heartbeat that can't be written (disk full) is skipped, not fatal. */
function keepAlive(deps: RunnerDeps, lock: RunLock): () => void {
  let cancel = () => {};
  const beat = () => {
    try {
      lock.heartbeat();
    } catch {
      // the next commit reports the disk fault; the lock stays ours until STALE_MS either way
    }
    cancel = deps.clock.setTimer(HEARTBEAT_MS, beat, { background: true });
  };
  cancel = deps.clock.setTimer(HEARTBEAT_MS, beat, { background: true });
  return () => cancel();
}

/** Open (or reopen) a run and start its submissions; `done` settles when the pool has. */
export async function startRun(deps: RunnerDeps, opts: StartRunOptions, onResult?: (r: SubmissionResult) => void): Promise<BatchRun> {
  const run = await openRun(deps, opts);
  const lock = deps.store.lockRun(run.id); // throws RunLockedError while another live process drives it
  try {
    return await drive(deps, opts, run, lock, onResult);
  } catch (e) {
    lock.release();
    throw storageFault(e, deps.store.file) ?? e;
  }
}

async function drive(
  deps: RunnerDeps,
  opts: StartRunOptions,
  run: RunRecord,
  lock: RunLock,
  onResult?: (r: SubmissionResult) => void,
): Promise<BatchRun> {
  const contents = await readBatch(run.batchPath);
  const finished = deps.store.finishedIds(run.id);
  const review = opts.kind === 'review' ? new Set(deps.store.reviewResults(run.id).map((r) => r.result.submissionId)) : null;
  const todo = contents.submissions
    .map((submission, i) => ({ submission, cells: contents.rows[i] ?? [] }))
    .filter(({ submission }) => (review ? review.has(submission.id) : !finished.has(submission.id)));

  const { engine, store, clock } = deps;
  const pool = new WorkerPool({ clock, size: () => engine.workerTarget() });
  const tracker = new BatchTracker(clock, {
    runId: String(run.id),
    total: todo.length,
    budget: engine.config.maxCallsPerSubmission,
    workers: () => pool.stats().size,
    inFlight: () => pool.stats().active,
  });
  deps.aggregator.setBatch(tracker);
  store.setRunState(run.id, 'running');

  const base: Omit<EvaluationContext, 'signal'> = {
    engine,
    store,
    clock,
    runId: run.id,
    rules: run.rules,
    threshold: run.config.acceptanceThreshold,
    resolver: run.attachmentsRoot
      ? await createAttachmentResolver(run.attachmentsRoot, { allowUrlDownloads: engine.config.allowUrlDownloads })
      : null,
    barrier: new RowBarrier(todo.map((t) => t.submission.row)),
  };

  let handle: BatchRun | null = null;
  let storage: StorageError | null = null;
  const stopBeat = keepAlive(deps, lock);
  const startedAt = clock.now();
  const evaluate = async ({ submission, cells }: (typeof todo)[number], signal: AbortSignal) => {
    if (storage) throw storage;
    const result = await evaluateSubmission({ ...base, signal }, submission);
    try {
      store.saveResult(run.id, result, cells);
    } catch (e) {
      // The first commit the disk refuses stops the run: every later result would be paid for and lost.
      const fault = storageFault(e, store.file);
      if (fault && !storage) {
        storage = fault;
        pool.cancel();
      }
      throw fault ?? e;
    }
    // One cached call answers all the rules of its category (theme, pdf or image).
    const cacheHits = new Set(result.rules.filter((r) => r.source === 'cache').map((r) => r.category)).size;
    const { submissionId, status, score, callsUsed } = result;
    engine.events.emit({ type: 'submission_finished', at: clock.now(), submissionId, status, score, callsUsed, cacheHits });
    onResult?.(result);
  };
  const work = pool
    .run(todo, evaluate)
    .then(async (outcomes) => {
      // Batch end after an outage: rows left in Review are run once more when the providers are healthy again,
      // within the parking horizon (docs/engine-runtime.md, "Parking"). The wait is a pool item, so cancel ends it.
      const horizonMs = engine.config.parkMaxMinutes * 60_000;
      if (horizonMs === 0 || outcomes.some((o) => o.status !== 'done') || !engine.hadOutageSince(startedAt)) return outcomes;
      const inTodo = new Map(todo.map((t, i) => [t.submission.id, i]));
      const review = store.reviewResults(run.id).filter((r) => inTodo.has(r.result.submissionId));
      if (review.length === 0) return outcomes;
      const deadline = clock.now() + horizonMs;
      const waited = await pool.run([deadline], (at, signal) => engine.whenRecovered(at, signal));
      if (waited[0]?.status !== 'done') return [...outcomes, ...waited];
      for (const r of review) tracker.reopen(r.result.status);
      const again = review.map((r) => inTodo.get(r.result.submissionId) as number);
      const second = await pool.run(
        again.map((i) => todo[i] as (typeof todo)[number]),
        evaluate,
      );
      const merged = [...outcomes];
      again.forEach((i, k) => (merged[i] = second[k] as (typeof outcomes)[number]));
      return merged;
    })
    .then((outcomes): RunOutcome => {
      const failures = outcomes.flatMap((o, i) =>
        o.status === 'failed' ? [`${todo[i]?.submission.id}: ${String((o.error as Error)?.message ?? o.error)}`] : [],
      );
      const cancelled = outcomes.some((o) => o.status === 'cancelled');
      const state = storage ? 'interrupted' : cancelled ? 'cancelled' : failures.length > 0 ? 'interrupted' : 'finished';
      if (state !== 'interrupted') store.setRunState(run.id, state);
      handle?.settle(state === 'interrupted' ? 'paused' : state);
      return { runId: run.id, state, evaluated: outcomes.filter((o) => o.status === 'done').length, failures, storage };
    })
    .finally(() => {
      stopBeat();
      try {
        lock.release();
      } catch {
        // a lock left behind on a full disk is taken over once this process is gone
      }
    });
  handle = new BatchRun(deps, run, tracker, pool, work);
  return handle;
}
