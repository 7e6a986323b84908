// `npm run bench [-- --json] [-- --only REGEX] [-- --scale N]`: numbers, not a test. Every scenario runs each contender side by side
// in this one process on the same simulated quotas, latencies and seeds, and prints ratios rather than absolute times.
//   1. quota efficiency (steady-100/1000/10000, quota-cut-1000, outage-1000, tpm-pdf-1000): ours, the seed profile,
//      Bottleneck and p-queue, plus "ours-scaled" (our engine on the peers' scaled real clock, as a control);
//   2. loopback-300: the real SDK adapters, engine and HTTP simulator on a scaled real clock, and engine overhead;
//   3. scheduler-throughput[-binding] (ours, Bottleneck, p-queue; the median of interleaved rounds) and limiter-throughput:
//      admissions per CPU second;
//   4. ingest-37000: rows per second and peak RSS of parsing and mapping a 37,000-row CSV;
//   5. plan-10000x4: the run planner's time to predict 10,000 submissions under 4 configurations (test/bench/plan.ts);
//   6. shared-quota: 4 instances on one key through Redis: ours, Bottleneck's Redis clustering, unshared local limiters.
// `--json` prints one JSON object per line per (scenario, contender). BENCHMARKS.md holds the latest numbers.
import { runIngest } from './ingest';
import { runLoopback } from './loopback';
import { runPlanBench } from './plan';
import { quotaScenarios, runQuotaScenario, type QuotaResult } from './quota';
import { runSharedQuota } from './shared-quota';
import { limiterThroughput, schedulerThroughput } from './throughput';

const json = process.argv.includes('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new RegExp(process.argv[onlyAt + 1] ?? '') : null;
const wanted = (scenario: string) => !only || only.test(scenario);
// `--scale N` overrides the real-time speed-up of the contenders on real timers (a lower N is slower but truer).
const scaleAt = process.argv.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(process.argv[scaleAt + 1]) : undefined;

function report(r: Record<string, unknown>, text: string): void {
  console.log(json ? JSON.stringify(r) : text);
}

function quotaLine(r: QuotaResult): string {
  return (
    `${r.scenario.padEnd(16)} ${r.contender.padEnd(11)} ratio ${r.makespan_ratio.toFixed(3).padStart(7)}  ÷floor ${r.floor_ratio.toFixed(3)} ` +
    `(floor ${r.physical_ratio.toFixed(3)})  ` +
    `(${r.makespan_min} / ${r.lower_bound_min} min)  429s ${r.http_429}  calls ${r.calls}  wasted ${r.wasted_calls}  ` +
    `calls/sub ${r.calls_per_submission}  fallbacks ${r.fallbacks}  undetermined ${r.undetermined}  [${r.clock}]`
  );
}

for (const s of quotaScenarios(scale)) {
  if (!wanted(s.name)) continue;
  for (const r of await runQuotaScenario(s)) report({ ...r }, quotaLine(r));
}
if (wanted('loopback-300')) {
  for (const r of await runLoopback()) {
    report(
      { ...r },
      `${r.scenario.padEnd(16)} ${r.contender.padEnd(11)} ratio ${r.makespan_ratio.toFixed(3).padStart(7)}  (${r.makespan_min} / ${r.lower_bound_min} min, ` +
        `${r.real_s} s real)  429s ${r.http_429}  calls ${r.calls}  fallbacks ${r.fallbacks}  overhead p50 ${r.overhead_p50_us} µs  p99 ${r.overhead_p99_us} µs ` +
        `(cold p50 ${r.overhead_cold_p50_us} µs  p99 ${r.overhead_cold_p99_us} µs)  [${r.clock}]`,
    );
  }
}
for (const binding of [false, true]) {
  if (!wanted(binding ? 'scheduler-throughput-binding' : 'scheduler-throughput')) continue;
  for (const r of await schedulerThroughput(binding)) {
    report(
      { ...r },
      `${r.scenario.padEnd(20)} ${r.contender.padEnd(11)} ${r.admissions_per_cpu_s.toLocaleString('en-US')} admissions per CPU second ` +
        `(median of ${r.rounds} rounds of ${r.admissions.toLocaleString('en-US')}; ${r.min_admissions_per_cpu_s.toLocaleString('en-US')}–` +
        `${r.max_admissions_per_cpu_s.toLocaleString('en-US')})`,
    );
  }
}
if (wanted('limiter-throughput')) {
  const r = await limiterThroughput();
  report(
    { ...r },
    `${r.scenario.padEnd(20)} ${r.contender.padEnd(11)} ${r.admissions_per_cpu_s.toLocaleString('en-US')} admissions per CPU second (binding 6,000 RPM, virtual time)`,
  );
}
if (wanted('ingest-37000')) {
  const r = await runIngest();
  report(
    r,
    `${r.scenario.padEnd(16)} ${r.contender.padEnd(11)} ${r.rows_per_s.toLocaleString('en-US')} rows/s  (${r.rows} rows, ${r.file_mb} MB in ${r.seconds} s)  peak RSS ${r.peak_rss_mb} MB`,
  );
}
if (wanted('plan-10000x4')) {
  const r = await runPlanBench();
  report(
    { ...r },
    `${r.scenario.padEnd(16)} ${r.contender.padEnd(11)} ${r.seconds} s (${r.cpu_s} CPU s) for ${r.submissions.toLocaleString('en-US')} submissions × ${r.configs} configs × ` +
      `${r.seeds} seeds (${r.replayed_calls.toLocaleString('en-US')} replayed calls); current settings: ${r.current_makespan_min} min`,
  );
}
if (wanted('shared-quota')) {
  const rs = await runSharedQuota();
  if (typeof rs === 'string') console.warn(rs);
  else
    for (const r of rs) {
      const latency = r.acquire_p50_ms === undefined ? '' : `  acquire p50 ${r.acquire_p50_ms} ms  p99 ${r.acquire_p99_ms} ms`;
      report(
        { ...r },
        `${r.scenario.padEnd(16)} ${r.contender.padEnd(13)} ratio ${r.makespan_ratio.toFixed(3).padStart(7)}  (${r.makespan_s} / ${r.lower_bound_s} s, ` +
          `${r.instances} instances)  429s ${r.http_429}  overshoot ${r.overshoot}  idle quota ${r.idle_quota}${latency}  [${r.clock}]`,
      );
    }
}
