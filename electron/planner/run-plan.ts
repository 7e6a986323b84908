// Run the planner in worker threads (docs/planner.md): the caller's thread stays responsive, the independent replays
// are spread over up to one thread per core, and an abort terminates every worker at once (a replay holds nothing
// that needs cleaning up). The result is the same as planBatch's in one thread: each replay is deterministic.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ConfigPrediction } from '../../shared/plan';
import { markBest, seedsOf, summarize } from './plan';
import type { PlanJob, PlanWorkerInput, PlanWorkerMessage } from './plan-worker';
import type { ReplayResult } from './replay';

export class PlanCancelled extends Error {
  override readonly name = 'PlanCancelled';
  constructor() {
    super('plan cancelled');
  }
}

const ENTRY = new URL('./plan-worker-entry.mjs', import.meta.url);
// As for the ingest worker: --input-type would make Node refuse the worker's file entry.
const WORKER_EXEC_ARGV = process.execArgv.filter((a) => !a.startsWith('--input-type'));

export interface RunPlanOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Worker threads to use at most (default: one per core); never more than there are replays. */
  threads?: number;
}

export function runPlanInWorker(input: PlanWorkerInput, opts: RunPlanOptions = {}): Promise<ConfigPrediction[]> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new PlanCancelled());
    const seeds = seedsOf(input);
    const jobs: PlanJob[] = input.variants.flatMap((_, variant) => Array.from({ length: seeds }, (__, seed) => ({ variant, seed })));
    const runs: ReplayResult[][] = input.variants.map(() => []);
    const total = jobs.length;
    let done = 0;
    let next = 0;
    const workers: Worker[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      for (const w of workers) void w.terminate();
    };
    const onAbort = () => finish(() => reject(new PlanCancelled()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), total));
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(ENTRY, { workerData: input, execArgv: WORKER_EXEC_ARGV });
      workers.push(worker);
      // Each worker asks for its next job by answering the last one, so a slow replay never holds up the others.
      let busy = false;
      const give = () => {
        const job = jobs[next++];
        busy = job !== undefined;
        if (job) worker.postMessage(job);
        else void worker.terminate();
      };
      worker.on('message', (m: PlanWorkerMessage) => {
        if (m.type === 'error') return finish(() => reject(new Error(m.message)));
        (runs[m.variant] as ReplayResult[])[m.seed] = m.result;
        // Counted before the optional call: `onProgress?.(++done)` skips its arguments when there is no listener.
        done++;
        opts.onProgress?.(done, total);
        if (done === total) return finish(() => resolve(markBest(input.variants.map((v, j) => summarize(input, v, runs[j] as ReplayResult[])))));
        give();
      });
      worker.once('error', (err) => finish(() => reject(err)));
      worker.once('exit', (code) => {
        if (busy) finish(() => reject(new Error(`the planner worker stopped without an answer (exit code ${code})`)));
      });
      give();
    }
  });
}
