// A request reaches the server a send delay after the limiter stamps it; a sliding-minute server counts it from then.
// With the client's bound on that delay (the answer's arrivedBy, measured from the stamp), a charge never leaves our window before the
// server's (docs/engine.md §1, "Arrival"); without it the same traffic draws 429s. All on the virtual clock.
import { describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../../electron/engine/adapter';
import { VirtualClock, type Clock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { RateLimiter } from '../../../electron/engine/limiter/limiter';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { seededRng, type Rng } from '../../../electron/engine/rng';
import { DEFAULT_CONFIG, modelFor, type EngineConfig } from '../../../shared/config';
import type { CallKind, CallOutcome } from '../../../shared/provider';
import { request } from './scripted-provider';

const LIMIT = 10;
const WINDOW = 60_000;
const PROCESSING_MS = 3_000;
const RETURN_MS = 40;

/**
 * Gemini on the wire, modelled: the request arrives after a varying send delay (0-400 ms), counts in a sliding minute
 * from its arrival, and is answered after the server's processing (which Server-Timing reports) and the trip back.
 */
class ArrivingServer implements ProviderAdapter {
  readonly id = 'gemini' as const;
  readonly arrivals: number[] = [];
  refused = 0;
  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    /** false: the server sends no Server-Timing, so the client has no bound. */
    private readonly reportsTiming: boolean,
    private readonly maxSendMs = 400,
    private readonly returnMs = RETURN_MS,
  ) {}
  modelFor(kind: CallKind): string {
    return modelFor(DEFAULT_CONFIG.providers.gemini, kind);
  }
  supports(): boolean {
    return true;
  }
  estimateTokens(): number {
    return 100;
  }
  async call(): Promise<CallOutcome> {
    const start = this.clock.now();
    const model = this.modelFor('theme');
    await this.clock.sleep(Math.floor(this.rng.next() * this.maxSendMs));
    const at = this.clock.now();
    const inWindow = this.arrivals.filter((a) => at - a < WINDOW).length;
    const ok = inWindow < LIMIT;
    if (ok) this.arrivals.push(at);
    else this.refused++;
    await this.clock.sleep(ok ? PROCESSING_MS : 0);
    await this.clock.sleep(this.returnMs);
    const latencyMs = this.clock.now() - start;
    const bound = this.reportsTiming ? { arrivedBy: this.clock.now() - (ok ? PROCESSING_MS : 0) } : {};
    if (!ok) return { ok: false, provider: 'gemini', model, kind: 'rate_limit', status: 429, dimension: 'RPM', message: '429', latencyMs, ...bound };
    const usage = { inputTokens: 100, outputTokens: 10, totalTokens: 110 };
    return { ok: true, provider: 'gemini', model, json: { verdict: 'pass' }, usage, latencyMs, ...bound };
  }
}

const config: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
  providers: {
    ...DEFAULT_CONFIG.providers,
    gemini: { ...DEFAULT_CONFIG.providers.gemini, rpm: LIMIT, safetyFactor: 1, maxConcurrent: LIMIT },
    groq: { ...DEFAULT_CONFIG.providers.groq, enabled: false },
  },
};

async function run(reportsTiming: boolean, calls = 6 * LIMIT, maxSendMs = 400, returnMs = RETURN_MS) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0, 0));
  const server = new ArrivingServer(clock, seededRng(7), reportsTiming, maxSendMs, returnMs);
  const engine = new Engine({ config, clock, rng: seededRng(1), adapters: { gemini: server } });
  const t0 = clock.now();
  const results = await clock.run(
    Promise.all(
      Array.from({ length: calls }, (_, i) => engine.call({ submissionId: `s${i}`, budget: engine.newBudget(`s${i}`), request: request() })),
    ),
  );
  return { server, results, makespan: clock.now() - t0 };
}

describe('the arrival bound', () => {
  it('without a bound, varying send delays draw 429s from a server that counts at arrival (the failure the fix removes)', async () => {
    const { server } = await run(false);
    expect(server.refused).toBeGreaterThan(0);
  });

  it('with the bound from Server-Timing, the same traffic draws no 429 and fills every window', async () => {
    const { server, results, makespan } = await run(true);
    expect(server.refused).toBe(0);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(server.arrivals).toHaveLength(6 * LIMIT);
    // Six windows' worth, admitted as the windows free: five full windows plus the send delays and the last answers.
    expect(makespan).toBeLessThan(5 * WINDOW + 6 * 400 + PROCESSING_MS + 2 * RETURN_MS + 1);
  });

  it('with no delay on the wire the bound is 0 and costs nothing: the same admissions as a limiter that never heard of it', async () => {
    const a = await run(true, 4 * LIMIT, 0, 0);
    const b = await run(false, 4 * LIMIT, 0, 0);
    expect(a.server.refused).toBe(0);
    expect(a.server.arrivals).toEqual(b.server.arrivals);
    expect(a.makespan).toBe(b.makespan);
  });
});

describe('RateLimiter arrival', () => {
  it('keeps a charge until start + bound + window, and holds calls still in flight for the longest recent bound', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 1, 1, WINDOW)], { enabled: false, min: 1, max: 1 });
    const first = await limiter.acquire(1);
    first.started(0);
    await clock.advance(1_000);
    first.answered(250); // the server had it by 250 ms after its start at 0
    first.settle(1);
    expect(limiter.blockedUntil(1)).toBe(250 + WINDOW);
    await clock.advance(WINDOW);
    const second = await limiter.acquire(1);
    second.started(clock.now());
    // No answer yet: it may arrive as late as the last one did.
    expect(limiter.blockedUntil(1)).toBe(clock.now() + 250 + WINDOW);
    await clock.advance(500);
    second.answered(undefined); // no Server-Timing: the server had it by the answer, maybe later than the guard said
    expect(limiter.blockedUntil(1)).toBe(clock.now() + WINDOW);
  });
});
