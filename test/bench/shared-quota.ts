// Benchmark: N = 4 instances on one API key (docs/scale-out.md "Shared quota"), side by side in one run against one
// modelled server that enforces the key's sliding-window limit and answers 429 above it:
//   ours           our scheduler over the Redis store (one connection pair per instance, as separate processes);
//   bottleneck     Bottleneck's Redis clustering (ioredis datastore, one shared id), its documented RPM recipe;
//   local-full     N unshared local limiters, each at the full quota (what users do without a shared store);
//   local-quarter  N unshared local limiters, each at ¼ of it (safe, but an instance with more work cannot borrow).
// The instances have uneven work (the first has the most), as real operators' batches do. A 429 is retried through the
// same limiter after a quarter window. Real time throughout (Redis TIME decides for the Redis contenders), so the
// window is shortened to WINDOW_MS; the arithmetic is the per-minute one's.
import { performance } from 'node:perf_hooks';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { RealClock } from '../../electron/engine/clock';
import { RateLimiter } from '../../electron/engine/limiter/limiter';
import { SlidingLog } from '../../electron/engine/limiter/sliding-log';
import { seededRng } from '../../electron/engine/rng';
import { connectSharedQuota, type SharedQuota } from '../../electron/engine/shared/shared-quota';
import { redisSkipReason, startRedisServer } from '../helpers/redis-process';
import { peakCount } from '../helpers/window-peak';

const INSTANCES = 4;
/** Requests per window: the key's limit. */
const LIMIT = 20;
const WINDOW_MS = 2_000;
/** Each instance's share of the work, first the busiest: 48 + 36 + 24 + 12 = 120 requests, 6 windows of the limit. */
const WORK = [48, 36, 24, 12];
const LATENCY_MS = 100;
const RETRY_MS = WINDOW_MS / 4;
const off = { enabled: false, min: 1, max: 1 };

export type SharedContender = 'ours' | 'bottleneck' | 'local-full' | 'local-quarter';

export interface SharedQuotaResult {
  scenario: 'shared-quota';
  contender: SharedContender;
  instances: number;
  makespan_ratio: number;
  http_429: number;
  /** Most requests sent in any window above the limit (0: never over). */
  overshoot: number;
  /** Share of the quota's windows between the first and the last send left unused while work was waiting. */
  idle_quota: number;
  makespan_s: number;
  lower_bound_s: number;
  /** ours only: one acquire through Redis on loopback, ms. */
  acquire_p50_ms?: number;
  acquire_p99_ms?: number;
  clock: 'real';
}

/** The key's server: a sliding window of LIMIT per WINDOW_MS over accepted arrivals, 429 above it. */
class KeyServer {
  readonly accepted: number[] = [];
  readonly sent: number[] = [];
  refused = 0;

  async call(): Promise<boolean> {
    const now = Date.now(); // the system clock, as Redis TIME and the local limiters' RealClock read it
    this.sent.push(now);
    let inWindow = 0;
    for (let i = this.accepted.length - 1; i >= 0 && now - (this.accepted[i] as number) < WINDOW_MS; i--) inWindow++;
    const ok = inWindow < LIMIT;
    if (ok) this.accepted.push(now);
    else this.refused++;
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    return ok;
  }
}

/** One instance's limiter as the bench drives it: wait for an admission, then tell it how the call went. */
interface Gate {
  run(call: () => Promise<boolean>): Promise<boolean>;
}

/** The quota bound: the last of `total` requests cannot start before ⌊(total − 1) ÷ LIMIT⌋ windows, then one latency. */
const boundMs = Math.floor((WORK.reduce((a, b) => a + b, 0) - 1) / LIMIT) * WINDOW_MS + LATENCY_MS;

/** Unused capacity in the whole windows from the first accepted send to the last (0: every window full). */
function idleShare(accepted: readonly number[]): number {
  const first = accepted[0] ?? 0;
  const last = accepted.at(-1) ?? 0;
  const windows = Math.floor((last - first) / WINDOW_MS);
  if (windows === 0) return 0;
  const used = accepted.filter((t) => t - first < windows * WINDOW_MS).length;
  return Math.max(0, 1 - used / (windows * LIMIT));
}

async function drive(contender: SharedContender, gates: Gate[]): Promise<SharedQuotaResult> {
  const server = new KeyServer();
  const start = performance.now();
  await Promise.all(
    gates.map(async (gate, i) => {
      const calls = Array.from({ length: WORK[i] as number }, async () => {
        while (!(await gate.run(() => server.call()))) await new Promise((r) => setTimeout(r, RETRY_MS));
      });
      await Promise.all(calls);
    }),
  );
  const makespan = performance.now() - start;
  return {
    scenario: 'shared-quota',
    contender,
    instances: INSTANCES,
    makespan_ratio: Number((makespan / boundMs).toFixed(3)),
    http_429: server.refused,
    overshoot: Math.max(0, peakCount(server.sent, WINDOW_MS) - LIMIT),
    idle_quota: Number(idleShare(server.accepted).toFixed(3)),
    makespan_s: Number((makespan / 1000).toFixed(2)),
    lower_bound_s: boundMs / 1000,
    clock: 'real',
  };
}

/** Our limiter's gate: restamped at the send, settled after the call, refunded when the server refused it. */
function ourGate(limiter: RateLimiter): Gate {
  return {
    async run(call) {
      const admission = await limiter.acquire(1);
      // As the engine does right before it sends (provider-call.ts): the charge counts from the real start, so a reply
      // that reached this instance late does not shift the window ahead of the server's count.
      admission.started(Date.now());
      const ok = await call();
      if (ok) admission.settle(1);
      else admission.refund();
      return ok;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** One instance's acquire and refund through Redis on loopback, 400 times after 100 of warm-up, on a roomy key. */
async function acquireLatency(q: SharedQuota): Promise<{ p50: number; p99: number }> {
  const clock = new RealClock();
  const store = q.storeFor('gemini', 'bench-latency', 'm', [new SlidingLog('RPM', 1e9, 1e9, 60_000)], clock);
  const took: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    const r = await store.acquire(1, clock.now());
    if (i >= 100) took.push(performance.now() - t0);
    if (r.ok) await store.refund(r.reservation, clock.now());
  }
  took.sort((a, b) => a - b);
  return { p50: Number(percentile(took, 0.5).toFixed(3)), p99: Number(percentile(took, 0.99).toFixed(3)) };
}

/** Every contender, one after the other on one redis-server; null with the reason where redis-server is absent. */
export async function runSharedQuota(): Promise<SharedQuotaResult[] | string> {
  if (redisSkipReason) return `shared-quota skipped: ${redisSkipReason}`;
  const redis = await startRedisServer();
  const results: SharedQuotaResult[] = [];
  try {
    const clock = new RealClock();
    const dims = (limit: number) => [new SlidingLog('RPM', limit, limit, WINDOW_MS)];

    const fleet = await Promise.all(Array.from({ length: INSTANCES }, () => connectSharedQuota(redis.url)));
    try {
      const gates = fleet.map((q, i) =>
        ourGate(new RateLimiter(clock, seededRng(i), q.storeFor('gemini', 'bench-key', 'm', dims(LIMIT), clock), off)),
      );
      const ours = await drive('ours', gates);
      const latency = await acquireLatency(fleet[0] as SharedQuota);
      results.push({ ...ours, acquire_p50_ms: latency.p50, acquire_p99_ms: latency.p99 });
    } finally {
      await Promise.all(fleet.map((q) => q.close()));
    }

    const port = redis.port;
    const bottlenecks = Array.from(
      { length: INSTANCES },
      () =>
        new Bottleneck({
          id: 'bench-shared-quota',
          datastore: 'ioredis',
          Redis,
          clientOptions: { host: '127.0.0.1', port },
          reservoir: LIMIT,
          reservoirRefreshAmount: LIMIT,
          reservoirRefreshInterval: WINDOW_MS,
        }),
    );
    try {
      await Promise.all(bottlenecks.map((b) => b.ready()));
      results.push(
        await drive(
          'bottleneck',
          bottlenecks.map((b) => ({ run: (call) => b.schedule(call) })),
        ),
      );
    } finally {
      await Promise.all(bottlenecks.map((b) => b.disconnect()));
    }

    for (const [contender, limit] of [
      ['local-full', LIMIT],
      ['local-quarter', Math.floor(LIMIT / INSTANCES)],
    ] as const) {
      const gates = Array.from({ length: INSTANCES }, (_, i) => ourGate(new RateLimiter(clock, seededRng(i), dims(limit), off)));
      results.push(await drive(contender, gates));
    }
  } finally {
    await redis.stop();
  }
  return results;
}
