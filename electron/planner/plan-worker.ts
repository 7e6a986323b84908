// The planner's worker thread: replays the variants off the main thread (Electron main, the web host, the CLI)
// and reports progress and each configuration's prediction as it is ready. Cancelled by terminating it.
import { parentPort, workerData } from 'node:worker_threads';
import { planBatch, type PlanInput } from './plan';

export type PlanWorkerInput = Omit<PlanInput, 'signal' | 'onProgress'>;

export type PlanWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; predictions: Awaited<ReturnType<typeof planBatch>> }
  | { type: 'error'; message: string };

const port = parentPort!;
try {
  const predictions = await planBatch({
    ...(workerData as PlanWorkerInput),
    onProgress: (done, total) => port.postMessage({ type: 'progress', done, total }),
  });
  port.postMessage({ type: 'done', predictions } satisfies PlanWorkerMessage);
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message } satisfies PlanWorkerMessage);
}
