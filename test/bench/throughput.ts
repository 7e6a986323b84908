// Benchmark part 3, scheduler throughput: admissions per CPU second. Same synthetic load for every contender:
// 30,000 requests submitted at once, 64 calls in flight at most, an empty task, and either a rate limit that never
// binds or a binding 6,000 RPM. What is measured is the CPU cost of admitting and releasing, not the waiting: each
// contender's median over interleaved rounds (Bottleneck runs a tenth of the load per round, at a tenth of the limit).
import Bottleneck from 'bottleneck';
import PQueue from 'p-queue';
import { RealClock, VirtualClock } from '../../electron/engine/clock';
import { ConcurrencyGuard } from '../../electron/engine/guard';
import { RateLimiter } from '../../electron/engine/limiter/limiter';
import { buildDimensions } from '../../electron/engine/limiter/quota-model';
import { seededRng } from '../../electron/engine/rng';
import { DEFAULT_CONFIG } from '../../shared/config';
import { ScaledClock } from '../helpers/scaled-clock';
import { quantile } from './loopback';
import { round, SEED } from './quota';

const N = 30_000;
const IN_FLIGHT = 64;
const UNBOUND = 1e12;

async function cpu(run: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

const task = () => Promise.resolve();

export interface ThroughputResult {
  scenario: string;
  contender: string;
  /** The median over the rounds (scheduler loads), or the one measurement. */
  admissions_per_cpu_s: number;
  /** Per round. */
  admissions: number;
  /** CPU seconds of the median round. */
  cpu_s: number;
}

export interface SchedulerThroughputResult extends ThroughputResult {
  rounds: number;
  min_admissions_per_cpu_s: number;
  max_admissions_per_cpu_s: number;
}

function row(scenario: string, contender: string, cpuS: number, n = N): ThroughputResult {
  return { scenario, contender, admissions_per_cpu_s: Math.round(n / cpuS), admissions: n, cpu_s: round(cpuS, 3) };
}

/** The engine engineer's original figure: our limiter with a binding 6,000 RPM on virtual time (waits included). */
export async function limiterThroughput(): Promise<ThroughputResult> {
  const clock = new VirtualClock();
  const cfg = { ...DEFAULT_CONFIG.providers.gemini, rpm: 6_000, rpd: 1e9 };
  const limiter = new RateLimiter(clock, seededRng(SEED), buildDimensions('gemini', cfg, clock.now()), cfg.jitter);
  const s = await cpu(() => clock.run(Promise.all(Array.from({ length: N }, () => limiter.acquire(1_000).then((a) => a.settle(900))))));
  return row('limiter-throughput', 'ours', s);
}

/** One contender of the scheduler load: a fresh scheduler at `rpm` that admits `n` empty tasks, and how to shut it down. */
interface Contender {
  name: string;
  /** The part of the load (admissions and binding limit) it runs per round: Bottleneck's is a tenth, at ~25× our CPU per admission. */
  share: number;
  make(rpm: number): { run(n: number): Promise<unknown>; close?(): Promise<void> | void };
}

/** Every contender first runs a fifth of its load (enough to bind) on a scheduler of its own, unmeasured, so none is timed cold. */
const WARMUP = 1 / 5;
/** Each contender is measured this many times, interleaved, and reported by its median: one measurement is ~0.5 CPU s and noisy. */
const ROUNDS = 7;

/** Round `r` runs the contenders in this order: rotated each round, so each follows every other alike (and pays for its garbage). */
function rotated<T>(xs: readonly T[], r: number): T[] {
  return xs.map((_, i) => xs[(i + r) % xs.length] as T);
}

/** One round of `c`: a fresh scheduler, `n` admissions, its CPU seconds. */
async function measureOnce(c: Contender, n: number, rpm: number): Promise<number> {
  const s = c.make(rpm);
  const used = await cpu(() => s.run(n));
  await s.close?.();
  return used;
}

/**
 * Ours (limiter + concurrency guard, as the router chains them), Bottleneck and p-queue under one load. `binding`:
 * a 6,000 RPM limit on a ScaledClock (×100), so the limiters really schedule; otherwise a limit that never binds.
 * Each contender warms up once, then the rounds interleave them (BENCHMARKS.md, "Scheduler throughput"); a contender's
 * binding limit scales with its share, so its binding load spans the same number of minutes.
 */
export async function schedulerThroughput(binding: boolean): Promise<SchedulerThroughputResult[]> {
  const scenario = binding ? 'scheduler-throughput-binding' : 'scheduler-throughput';
  const clock = binding ? new ScaledClock(100) : new RealClock();
  const interval = binding ? (clock as ScaledClock).real(60_000) : 60_000;
  const contenders: Contender[] = [
    {
      name: 'ours',
      share: 1,
      make: (rpm) => {
        const cfg = { ...DEFAULT_CONFIG.providers.gemini, rpm, tpm: UNBOUND, rpd: UNBOUND };
        const limiter = new RateLimiter(clock, seededRng(SEED), buildDimensions('gemini', cfg, clock.now()), cfg.jitter);
        const guard = new ConcurrencyGuard(IN_FLIGHT);
        // Chained as attemptOnce does: the synchronous admit when nobody waits, else the queue.
        const one = async () => {
          const admission = limiter.tryAcquire(1_000) ?? (await limiter.acquire(1_000));
          const release = guard.tryAcquire() ?? (await guard.acquire());
          admission.started(clock.now());
          await task();
          release();
          admission.settle(900);
        };
        return { run: (n) => Promise.all(Array.from({ length: n }, one)) };
      },
    },
    {
      name: 'bottleneck',
      share: 1 / 10,
      make: (rpm) => {
        const b = new Bottleneck({ reservoir: rpm, reservoirRefreshAmount: rpm, reservoirRefreshInterval: interval, maxConcurrent: IN_FLIGHT });
        return { run: (n) => Promise.all(Array.from({ length: n }, () => b.schedule(task))), close: () => b.disconnect() };
      },
    },
    {
      name: 'p-queue',
      share: 1,
      make: (rpm) => {
        const q = new PQueue({ concurrency: IN_FLIGHT, intervalCap: rpm, interval });
        return { run: (n) => Promise.all(Array.from({ length: n }, () => q.add(task))), close: () => q.clear() };
      },
    },
  ];
  const load = (c: Contender) => ({ n: Math.round(N * c.share), rpm: binding ? 6_000 * c.share : UNBOUND });
  for (const c of contenders) {
    const { n, rpm } = load(c);
    await measureOnce(c, n * WARMUP, rpm);
  }
  const cpuS = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of rotated(contenders, r)) {
      const { n, rpm } = load(c);
      cpuS.get(c.name)?.push(await measureOnce(c, n, rpm));
    }
  }
  return contenders.map((c) => {
    const n = load(c).n;
    const rates = (cpuS.get(c.name) ?? []).map((s) => n / s);
    const median = quantile(rates, 0.5);
    return {
      ...row(scenario, c.name, n / median, n),
      rounds: rates.length,
      min_admissions_per_cpu_s: Math.round(quantile(rates, 0)),
      max_admissions_per_cpu_s: Math.round(quantile(rates, 1)),
    };
  });
}
