// Honest predictions (docs/planner.md): a run started after a plan of the same batch file is linked to that plan's
// current-settings prediction, and when the run ends its actual makespan and RPM curve are stored beside it.
import type { BatchRun } from '../batch/runner';
import type { Store } from '../store/store';
import { CURRENT } from './planner';

export function trackRun(store: Store, run: Pick<BatchRun, 'runId' | 'run' | 'done'>): void {
  const plan = store.plans.attach(run.runId, run.run.batchSha256, CURRENT);
  if (!plan) return;
  void run.done.then(
    (o) => {
      if (o.state === 'finished') store.plans.recordActual(o.runId);
    },
    () => undefined, // the run reports its own failure; nothing to compare
  );
}
