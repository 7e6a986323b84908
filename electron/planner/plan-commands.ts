// The planner's Api commands (docs/planner.md): planBatch, cancelPlan and getRunPlan, for createApi to spread in.
// Plans in flight are kept by the caller's planId so a second call can cancel them; closing cancels them all.
import type { CommandInput, CommandOutput, FileRef } from '../../shared/api';
import type { RunPlanView } from '../../shared/plan';
import { planRun, type PlannerDeps } from './planner';
import { parseVariant } from './variants';

export interface PlanCommands {
  planBatch(input: CommandInput<'planBatch'>): Promise<CommandOutput<'planBatch'>>;
  cancelPlan(input: CommandInput<'cancelPlan'>): Promise<CommandOutput<'cancelPlan'>>;
  getRunPlan(input: CommandInput<'getRunPlan'>): Promise<CommandOutput<'getRunPlan'>>;
  /** Cancel every plan in flight. */
  close(): void;
}

export function createPlanCommands(deps: PlannerDeps, pathOf: (ref: FileRef | null) => string | null): PlanCommands {
  const inFlight = new Map<string, AbortController>();
  return {
    async planBatch({ planId, file, attachments, variants, seeds }) {
      if (inFlight.has(planId)) throw new Error(`a plan named ${planId} is already running`);
      const parsed = variants.map((v, i) => parseVariant(v, deps.engine.config, `variant ${i + 1}`));
      const ac = new AbortController();
      inFlight.set(planId, ac);
      try {
        return await planRun(deps, {
          file: pathOf(file) as string,
          attachmentsRoot: pathOf(attachments),
          variants: parsed,
          ...(seeds === undefined ? {} : { seeds }),
          signal: ac.signal,
        });
      } catch (e) {
        if (ac.signal.aborted) return null;
        throw e;
      } finally {
        inFlight.delete(planId);
      }
    },
    async cancelPlan({ planId }) {
      const ac = inFlight.get(planId);
      ac?.abort();
      return { cancelled: ac !== undefined };
    },
    async getRunPlan({ runId }): Promise<RunPlanView> {
      const id = Number(runId);
      if (!Number.isInteger(id) || !deps.store.getRun(id)) throw new Error(`there is no run ${runId}`);
      const plan = deps.store.plans.forRun(id);
      return { prediction: plan?.prediction ?? null, actual: plan?.actual ?? null, accuracy: deps.store.plans.accuracy() };
    },
    close() {
      for (const ac of inFlight.values()) ac.abort();
    },
  };
}
