// Run the planner in a worker thread (docs/planner.md): the caller's thread stays responsive, and an abort
// terminates the worker at once (a replay holds nothing that needs cleaning up).
import { Worker } from 'node:worker_threads';
import type { ConfigPrediction } from '../../shared/plan';
import type { PlanWorkerInput, PlanWorkerMessage } from './plan-worker';

export class PlanCancelled extends Error {
  override readonly name = 'PlanCancelled';
  constructor() {
    super('plan cancelled');
  }
}

const ENTRY = new URL('./plan-worker-entry.mjs', import.meta.url);
// As for the ingest worker: --input-type would make Node refuse the worker's file entry.
const WORKER_EXEC_ARGV = process.execArgv.filter((a) => !a.startsWith('--input-type'));

export function runPlanInWorker(
  input: PlanWorkerInput,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ConfigPrediction[]> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new PlanCancelled());
    const worker = new Worker(ENTRY, { workerData: input, execArgv: WORKER_EXEC_ARGV });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new PlanCancelled()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: PlanWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.done, m.total);
      else if (m.type === 'done') finish(() => resolve(m.predictions));
      else finish(() => reject(new Error(m.message)));
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the planner worker stopped without an answer (exit code ${code})`))));
  });
}
