// How big the reliability harness runs: CI size in `npm test`, full size under `npm run soak` (SOAK_SCALE=big). Each
// scenario's budget is work (cases, rows, kills), fixed per size; a test timeout is only a guard against a hang. So a
// full-size timeout is the CI one times the extra work, times how loaded the machine is when the file starts (the soak
// runs beside other jobs on few cores): never a guessed constant, and CI sizes and timeouts are unchanged.
import os from 'node:os';

export const BIG = process.env.SOAK_SCALE === 'big';

/** Runnable processes per core over the last minute, at least 1 (an idle machine), at most 20. */
export const loadFactor = (): number => Math.min(20, Math.max(1, (os.loadavg()[0] ?? 0) / os.availableParallelism()));

/** A guard no hang outlives by much: two hours. */
const MAX_MS = 2 * 3600_000;

/** The test timeout of a scenario: `ciMs` in `npm test`; in the soak scaled by `work` (full ÷ CI work) and the load. */
export function soakTimeout(ciMs: number, work = 1): number {
  return BIG ? Math.min(MAX_MS, Math.ceil(ciMs * Math.max(1, work) * loadFactor())) : ciMs;
}
