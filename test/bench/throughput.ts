// Benchmark part 3, scheduler throughput: admissions per CPU second. Same synthetic load for every contender:
// 30,000 requests submitted at once, 64 calls in flight at most, an empty task, and either a rate limit that never
// binds or a binding 6,000 RPM. What is measured is the CPU cost of admitting and releasing, not the waiting.
import Bottleneck from 'bottleneck';
import PQueue from 'p-queue';
import { RealClock, VirtualClock } from '../../electron/engine/clock';
import { ConcurrencyGuard } from '../../electron/engine/guard';
import { RateLimiter } from '../../electron/engine/limiter/limiter';
import { buildDimensions } from '../../electron/engine/limiter/quota-model';
import { seededRng } from '../../electron/engine/rng';
import { DEFAULT_CONFIG } from '../../shared/config';
import { ScaledClock } from '../helpers/scaled-clock';
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
  admissions_per_cpu_s: number;
  admissions: number;
  cpu_s: number;
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

/** One contender of the scheduler load: a fresh scheduler that admits `n` empty tasks, and how to shut it down. */
interface Contender {
  name: string;
  make(): { run(n: number): Promise<unknown>; close?(): Promise<void> | void };
}

/** Every contender first runs a fifth of the load (enough to bind) on a scheduler of its own, unmeasured, so none is timed cold. */
const WARMUP = N / 5;

/**
 * Ours (limiter + concurrency guard, as the router chains them), Bottleneck and p-queue under one load. `binding`:
 * a 6,000 RPM limit on a ScaledClock (×100), so the limiters really schedule; otherwise a limit that never binds.
 */
export async function schedulerThroughput(binding: boolean): Promise<ThroughputResult[]> {
  const scenario = binding ? 'scheduler-throughput-binding' : 'scheduler-throughput';
  const rpm = binding ? 6_000 : UNBOUND;
  const clock = binding ? new ScaledClock(100) : new RealClock();
  const interval = binding ? (clock as ScaledClock).real(60_000) : 60_000;
  const contenders: Contender[] = [
    {
      name: 'ours',
      make: () => {
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
      make: () => {
        const b = new Bottleneck({ reservoir: rpm, reservoirRefreshAmount: rpm, reservoirRefreshInterval: interval, maxConcurrent: IN_FLIGHT });
        return { run: (n) => Promise.all(Array.from({ length: n }, () => b.schedule(task))), close: () => b.disconnect() };
      },
    },
    {
      name: 'p-queue',
      make: () => {
        const q = new PQueue({ concurrency: IN_FLIGHT, intervalCap: rpm, interval });
        return { run: (n) => Promise.all(Array.from({ length: n }, () => q.add(task))), close: () => q.clear() };
      },
    },
  ];
  const out: ThroughputResult[] = [];
  for (const c of contenders) {
    const warm = c.make();
    await warm.run(WARMUP);
    await warm.close?.();
    const measured = c.make();
    out.push(row(scenario, c.name, await cpu(() => measured.run(N))));
    await measured.close?.();
  }
  return out;
}
