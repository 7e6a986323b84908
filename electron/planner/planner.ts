// The planner's entry point for the CLI and the Api (docs/planner.md): read the batch into a workload, learn the
// provider model from the store, replay every variant in a worker thread, and store each prediction with the
// batch so the run that follows can be compared with it.
import type { PlanReport, PlanVariant } from '../../shared/plan';
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider';
import { fileSha256 } from '../batch/runner';
import type { Clock } from '../engine/clock';
import type { Engine } from '../engine/engine';
import type { Store } from '../store/store';
import { defaultVariants } from './plan';
import { HISTORY_LIMIT, learnProviderModel } from './provider-model';
import { runPlanInWorker } from './run-plan';
import { MAX_VARIANTS, VariantError } from './variants';
import { buildWorkload } from './workload';

export interface PlannerDeps {
  engine: Engine;
  store: Store;
  clock: Clock;
}

export interface PlanRequest {
  file: string;
  attachmentsRoot: string | null;
  /** Operator variants compared after the current settings; none: the default comparisons. */
  variants?: readonly PlanVariant[];
  seeds?: number;
  threshold?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** The name the current settings' prediction is stored under; a run links to the newest one of its batch. */
export const CURRENT = 'current';

function variantsFor(deps: PlannerDeps, req: PlanRequest): PlanVariant[] {
  const defaults = defaultVariants(deps.engine.config);
  const own = req.variants ?? [];
  if (own.length === 0) return defaults;
  if (own.length + 1 > MAX_VARIANTS) throw new VariantError(`at most ${MAX_VARIANTS - 1} variants beside the current settings, got ${own.length}`);
  const names = new Set([CURRENT]);
  for (const v of own) {
    if (names.has(v.name)) throw new VariantError(`two variants are named "${v.name}"`);
    names.add(v.name);
  }
  return [{ name: CURRENT }, ...own];
}

export async function planRun(deps: PlannerDeps, req: PlanRequest): Promise<PlanReport> {
  const { engine, store } = deps;
  const config = engine.config;
  const variants = variantsFor(deps, req);
  const startedAt = deps.clock.now();
  const workload = await buildWorkload({
    file: req.file,
    attachmentsRoot: req.attachmentsRoot,
    config,
    rules: store.rules(),
    ...(req.threshold === undefined ? {} : { threshold: req.threshold }),
    cacheGet: (k) => store.cacheGet(k),
    indexedImages: store.indexedImages(),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const available = new Set<ProviderId>(
    PROVIDER_IDS.filter((p) => engine.providerSnapshots().some((s) => s.provider === p && s.hasKey && !s.misconfigured)),
  );
  const model = learnProviderModel({
    config,
    history: store.plans.history(HISTORY_LIMIT),
    usedSince: (p, since) => store.plans.requestsSince(p, since),
    now: startedAt,
    available,
    learned: (p) => engine.learnedLimits(p),
  });
  const predictions = await runPlanInWorker(
    { submissions: workload.submissions, config, variants, model, ...(req.seeds === undefined ? {} : { seeds: req.seeds }), startMs: startedAt },
    { ...(req.signal ? { signal: req.signal } : {}), ...(req.onProgress ? { onProgress: req.onProgress } : {}) },
  );
  const sha = await fileSha256(req.file);
  for (const p of predictions) store.plans.save(sha, p);
  return { workload: workload.summary, model, predictions, startedAt };
}
