// Benchmark part 5, the run planner (docs/planner.md): the time to predict 10,000 submissions × 3 calls under four
// configurations (current, seed profile, spill-over toggled, a 10-minute Gemini outage), each over the default
// seeds, in the planner's worker threads as `plan` runs it. Wall seconds and the CPU seconds of the process (every thread).
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultVariants, DEFAULT_SEEDS } from '../../electron/planner/plan';
import { learnProviderModel } from '../../electron/planner/provider-model';
import { runPlanInWorker } from '../../electron/planner/run-plan';
import { uniformWorkload } from '../../electron/planner/workload';
import { DEFAULT_CONFIG } from '../../shared/config';
import type { PlanVariant } from '../../shared/plan';
import { round } from './quota';

const SUBMISSIONS = 10_000;
const START = Date.UTC(2026, 0, 5, 17);

export interface PlanBenchResult {
  scenario: 'plan-10000x4';
  contender: 'ours';
  seconds: number;
  cpu_s: number;
  submissions: number;
  configs: number;
  seeds: number;
  replays: number;
  replayed_calls: number;
  /** Worker threads the replays were spread over (one per core, at most one per replay). */
  threads: number;
  /** The one-minute load average when the plan answered: on a shared box the wall time depends on it. */
  load_avg: number;
  /** The current settings' predicted makespan, for a sanity check against steady-10000. */
  current_makespan_min: number;
}

export async function runPlanBench(): Promise<PlanBenchResult> {
  // A day that fits 30,000 calls, as steady-10000 does: the RPM is what is measured.
  const config = { ...DEFAULT_CONFIG, providers: { ...DEFAULT_CONFIG.providers, gemini: { ...DEFAULT_CONFIG.providers.gemini, rpd: 1_000_000 } } };
  const tokens = { gemini: 2_500, groq: 2_700 };
  const { submissions } = uniformWorkload(SUBMISSIONS, { theme: tokens, pdf: tokens, image: tokens });
  const model = learnProviderModel({ config, history: [], usedSince: () => 0, now: START, available: new Set(['gemini', 'groq']) });
  const variants: PlanVariant[] = [...defaultVariants(config), { name: 'outage-10', outage: { provider: 'gemini', atMinute: 30, minutes: 10 } }];
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = await runPlanInWorker({ submissions, config, variants, model, seeds: DEFAULT_SEEDS, startMs: START });
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    scenario: 'plan-10000x4',
    contender: 'ours',
    seconds: round(seconds, 1),
    cpu_s: round((used.user + used.system) / 1e6, 1),
    submissions: SUBMISSIONS,
    configs: variants.length,
    seeds: DEFAULT_SEEDS,
    replays: variants.length * DEFAULT_SEEDS,
    replayed_calls: out.reduce((n, p) => n + p.calls * p.seeds, 0),
    threads: Math.min(availableParallelism(), variants.length * DEFAULT_SEEDS),
    load_avg: round(loadavg()[0] ?? 0, 1),
    current_makespan_min: round((out[0]?.makespan_s ?? 0) / 60, 1),
  };
}
