// `npm run bench`: the engine against modelled providers on virtual time (not a test; prints numbers).
// steady-1000: 1,000 submissions × 3 calls; makespan ÷ quota lower bound (calls ÷ the primary's effective RPM)
// and the 429 count, for our defaults and the seed's profile. limiter-throughput: admissions per CPU second.
// `--json` prints one JSON object per line per (scenario, contender).
import { VirtualClock } from '../../electron/engine/clock';
import { Engine } from '../../electron/engine/engine';
import { RateLimiter } from '../../electron/engine/limiter/limiter';
import { buildDimensions } from '../../electron/engine/limiter/quota-model';
import { WorkerPool } from '../../electron/engine/pool';
import { seededRng } from '../../electron/engine/rng';
import { DEFAULT_CONFIG, effective, SEED_PROFILE, type EngineConfig } from '../../shared/config';
import { CALL_KINDS, type LlmRequest } from '../../shared/provider';
import { ModelledProvider } from './provider-model';

const json = process.argv.includes('--json');
const SUBMISSIONS = 1_000;
const SEED = 2026;

function request(kind: LlmRequest['kind']): LlmRequest {
  return { kind, system: 'judge', prompt: 'event', schema: { type: 'object' }, maxOutputTokens: 200 };
}

interface SteadyResult {
  scenario: 'steady-1000';
  contender: 'ours' | 'seed';
  makespan_ratio: number;
  http_429: number;
  calls: number;
  fallbacks: number;
  undetermined: number;
  makespan_min: number;
  lower_bound_min: number;
}

async function steady(contender: 'ours' | 'seed', config: EngineConfig): Promise<SteadyResult> {
  const clock = new VirtualClock();
  const gemini = new ModelledProvider('gemini', config.providers.gemini, clock, seededRng(SEED + 1), { medianMs: 8_000, sigma: 0.5 });
  const groq = new ModelledProvider('groq', config.providers.groq, clock, seededRng(SEED + 2), { medianMs: 1_000, sigma: 0.3 });
  const engine = new Engine({ config, clock, rng: seededRng(SEED), adapters: { gemini, groq }, simulated: true });
  let http429 = 0;
  let calls = 0;
  let fallbacks = 0;
  let undetermined = 0;
  engine.events.on((e) => {
    if (e.type === 'http_429') http429++;
    if (e.type === 'call_started') calls++;
    if (e.type === 'fallback' && e.to !== 'none') fallbacks++;
  });
  const pool = new WorkerPool({ clock, size: config.maxWorkers === 'auto' ? () => engine.workerTarget() : config.maxWorkers });
  const ids = Array.from({ length: SUBMISSIONS }, (_, i) => `s${i}`);
  const t0 = clock.now();
  await clock.run(
    pool.run(ids, async (id, signal) => {
      await engine.stagger(signal);
      const budget = engine.newBudget(id);
      const results = await Promise.all(CALL_KINDS.map((kind) => engine.call({ submissionId: id, budget, request: request(kind), signal })));
      undetermined += results.filter((r) => r.status !== 'ok').length;
    }),
  );
  const makespan = clock.now() - t0;
  const g = config.providers.gemini;
  const lowerBound = ((SUBMISSIONS * CALL_KINDS.length) / effective(g.rpm, g.safetyFactor)) * 60_000;
  return {
    scenario: 'steady-1000',
    contender,
    makespan_ratio: round(makespan / lowerBound, 3),
    http_429: http429,
    calls,
    fallbacks,
    undetermined,
    makespan_min: round(makespan / 60_000, 2),
    lower_bound_min: round(lowerBound / 60_000, 2),
  };
}

/** Raw limiter cost: many requests against a large Gemini-model limiter on virtual time, per CPU second. */
async function limiterThroughput() {
  const clock = new VirtualClock();
  const cfg = { ...DEFAULT_CONFIG.providers.gemini, rpm: 6_000, rpd: 1e9 };
  const limiter = new RateLimiter(clock, seededRng(SEED), buildDimensions('gemini', cfg, clock.now()), cfg.jitter);
  const n = 60_000;
  const before = process.cpuUsage();
  await clock.run(Promise.all(Array.from({ length: n }, () => limiter.acquire(1_000).then((a) => a.settle(900)))));
  const used = process.cpuUsage(before);
  const cpuS = (used.user + used.system) / 1e6;
  return { scenario: 'limiter-throughput', contender: 'ours', admissions_per_cpu_s: Math.round(n / cpuS), admissions: n, cpu_s: round(cpuS, 3) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const results: Record<string, unknown>[] = [];
for (const [contender, cfg] of [
  ['ours', DEFAULT_CONFIG],
  ['seed', SEED_PROFILE],
] as const) {
  const r = await steady(contender, cfg);
  results.push({ ...r });
  if (!json) {
    console.log(
      `steady-1000 ${contender.padEnd(4)}  makespan ${r.makespan_min} min / bound ${r.lower_bound_min} min = ${r.makespan_ratio}  ` +
        `429s ${r.http_429}  calls ${r.calls}  fallbacks ${r.fallbacks}  undetermined ${r.undetermined}`,
    );
  }
}
const lt = await limiterThroughput();
results.push(lt);
if (json) for (const r of results) console.log(JSON.stringify(r));
else console.log(`limiter-throughput: ${lt.admissions_per_cpu_s.toLocaleString('en-US')} admissions per CPU second (${lt.admissions} in ${lt.cpu_s} s)`);
