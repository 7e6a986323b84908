// The one run entry: the console (IPC, web host) and the CLI start, resume, pause and cancel runs here, so every
// run is recorded the same way whatever started it: its row in the runs table, the planner's link to a prediction,
// and the audit entries for each action and for how the run ended (docs/architecture.md "Runs").
import type { SubmissionResult } from '../../shared/domain';
import { startRun, type BatchRun, type RunOutcome, type RunnerDeps, type StartRunOptions } from '../batch/runner';
import { trackRun } from '../planner/track-run';
import type { Audit } from './audit-trail';

export interface RunEntryOptions {
  deps: RunnerDeps;
  audit: Audit;
  /** Each result stored by any run launched here. */
  onResult?: (run: BatchRun, r: SubmissionResult) => void;
  /** A run's progress changed: launched, paused, resumed, cancelled or settled. */
  onProgress?: (run: BatchRun) => void;
}

export interface RunEntry {
  start(opts: Extract<StartRunOptions, { kind: 'new' }>): Promise<BatchRun>;
  /** Resume a paused live run, or reopen a stored unfinished one. */
  resume(runId: number): Promise<BatchRun>;
  /** Re-evaluate the run's Review rows; with none queued a run is launched only when `evenIfNone` (the CLI reports it). */
  rerunUndetermined(runId: number, evenIfNone?: boolean): Promise<{ run: BatchRun | null; queued: number }>;
  pause(runId: number): BatchRun;
  cancel(runId: number): BatchRun;
  /** The live handle of a run launched in this process. */
  get(runId: number): BatchRun | undefined;
  /** The run that holds the engine (running, paused or cancelling), if any. */
  active(): BatchRun | null;
  /** Cancel every live run and wait until each has settled and its end is audited. */
  close(): Promise<void>;
}

const LIVE = new Set(['running', 'paused', 'cancelling']);

export function createRunEntry({ deps, audit, onResult, onProgress = () => {} }: RunEntryOptions): RunEntry {
  const runs = new Map<number, BatchRun>();
  const settled: Promise<unknown>[] = [];
  let current: BatchRun | null = null;
  const active = () => (current && LIVE.has(current.state) ? current : null);

  const ended = (run: BatchRun, o: RunOutcome) => {
    onProgress(run);
    try {
      audit(`batch ${o.state}`, String(run.runId), null, { evaluated: o.evaluated, failures: o.failures.length }, undefined, 'engine');
    } catch {
      // a store that can no longer be written (the run's own storage fault) is reported by the run itself
    }
  };

  async function launch(options: StartRunOptions): Promise<BatchRun> {
    const busy = active();
    if (busy) throw new Error(`run ${busy.runId} is still ${busy.state}; pause does not free the engine, cancel it first`);
    const run = await startRun(deps, options, (r) => {
      onResult?.(run, r);
      onProgress(run);
    });
    runs.set(run.runId, run);
    trackRun(deps.store, run);
    current = run;
    onProgress(run);
    settled.push(
      run.done.then(
        (o) => ended(run, o),
        () => onProgress(run),
      ),
    );
    return run;
  }

  const live = (runId: number, act: (r: BatchRun) => void): BatchRun => {
    const run = runs.get(runId);
    if (!run) throw new Error(`run ${runId} is not active in this session`);
    act(run);
    onProgress(run);
    return run;
  };

  return {
    async start(opts) {
      const run = await launch(opts);
      audit('start batch', String(run.runId), null, run.run.batchName);
      return run;
    },
    async resume(runId) {
      audit('resume batch', String(runId), null, null);
      if (runs.get(runId)?.state === 'paused') return live(runId, (r) => r.resume());
      return launch({ kind: 'resume', runId });
    },
    async rerunUndetermined(runId, evenIfNone = false) {
      const queued = deps.store.reviewResults(runId).length;
      const run = queued > 0 || evenIfNone ? await launch({ kind: 'review', runId }) : null;
      audit('re-run undetermined', String(runId), null, { queued });
      return { run, queued };
    },
    pause(runId) {
      audit('pause batch', String(runId), null, null);
      return live(runId, (r) => r.pause());
    },
    cancel(runId) {
      audit('cancel batch', String(runId), null, null);
      return live(runId, (r) => r.cancel());
    },
    get: (runId) => runs.get(runId),
    active,
    async close() {
      for (const run of runs.values()) run.cancel();
      await Promise.allSettled(settled);
    },
  };
}
