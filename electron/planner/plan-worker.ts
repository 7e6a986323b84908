// A planner worker thread: replays the jobs its parent sends, one at a time, off the main thread (Electron main, the
// web host, the CLI), and answers each with its result. Replays are independent, so the parent spreads them over
// several such threads (run-plan.ts) and summarises; a worker is cancelled by terminating it.
import { parentPort, workerData } from 'node:worker_threads';
import { replayOf, type PlanInput } from './plan';
import type { ReplayResult } from './replay';

export type PlanWorkerInput = Omit<PlanInput, 'signal' | 'onProgress'>;

/** Parent to worker: replay variant number `variant` under seed number `seed`. */
export interface PlanJob {
  variant: number;
  seed: number;
}

export type PlanWorkerMessage = ({ type: 'replayed'; result: ReplayResult } & PlanJob) | { type: 'error'; message: string };

const port = parentPort!;
const input = workerData as PlanWorkerInput;
port.on('message', (job: PlanJob) => {
  const v = input.variants[job.variant];
  const answer = v ? replayOf(input, v, job.seed) : Promise.reject(new Error(`no variant number ${job.variant}`));
  answer.then(
    (result) => port.postMessage({ type: 'replayed', ...job, result } satisfies PlanWorkerMessage),
    (err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message } satisfies PlanWorkerMessage),
  );
});
