// The arrival bound is measured from the instant the charge was stamped (docs/engine.md §1, "Arrival"). Between the
// stamp and the adapter's own start the engine still runs its event sinks; on a loaded machine that is tens of ms.
// A bound measured from the adapter's start and added to the stamp let the charge leave our window that much before
// the simulator's, and the next admission drew a 429 (the CI-size overshoot proof's flake). Here a call_started sink
// blocks for STALL_MS, deterministically; the real SDK talks to the in-process simulator, whose log says when it
// counted the request. The charge must count until then at the earliest: in memory and in Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { LocalQuotaStore, type QuotaStoreFactory } from '../../../electron/engine/limiter/quota-store';
import { seededRng } from '../../../electron/engine/rng';
import { quotaKeyPrefix } from '../../../electron/engine/shared/redis-quota-store';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';
import { submission } from './fixtures';

const MODEL = 'gemini-2.5-flash';
const WINDOW = 60_000;
/** How long the call_started sink blocks the event loop, between the stamp and the adapter's start. */
const STALL_MS = 60;

const config: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
  providers: {
    ...DEFAULT_CONFIG.providers,
    gemini: { ...DEFAULT_CONFIG.providers.gemini, textModel: MODEL, visionModel: MODEL, rpm: 5, safetyFactor: 1 },
    groq: { ...DEFAULT_CONFIG.providers.groq, enabled: false },
  },
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.05, preset: 'free', seed: 11 });
});
afterAll(() => sim.close());

/** One call through an engine whose call_started sink stalls; the simulator's charge time of it. */
async function stalledCall(quotaStores: QuotaStoreFactory): Promise<number> {
  const clock = new RealClock();
  const gemini = createGeminiAdapter({
    apiKey: sim.keys.gemini,
    baseUrl: sim.baseUrl,
    textModel: MODEL,
    visionModel: MODEL,
    timeoutMs: 10_000,
    clock,
  });
  const engine = new Engine({ config, clock, rng: seededRng(3), adapters: { gemini }, quotaStores });
  engine.events.on((e) => {
    if (e.type !== 'call_started') return;
    const until = Date.now() + STALL_MS;
    while (Date.now() < until); // a synchronous sink: the stamp is sent, the adapter has not started
  });
  const before = sim.control.log().length;
  const result = await engine.call({ submissionId: submission.id, budget: engine.newBudget(submission.id), request: buildThemeRequest(submission) });
  expect(result.status).toBe('ok');
  const counted = sim.control
    .log()
    .slice(before)
    .filter((e) => e.charged);
  expect(counted).toHaveLength(1);
  return (counted[0]?.charged?.at ?? 0) as number;
}

describe('the arrival bound counts from the stamp, not from the adapter’s start', () => {
  it('in memory: the charge leaves the window no sooner than the simulator’s', async () => {
    const stores = new Map<string, LocalQuotaStore>();
    const charged = await stalledCall((p, model, dims) => {
      const store = new LocalQuotaStore(dims);
      stores.set(`${p}/${model}`, store);
      return store;
    });
    const rpm = stores.get(`gemini/${MODEL}`)?.dims.find((d) => d.name === 'RPM');
    expect(rpm?.used(charged + WINDOW - 1), 'still counted a moment before the simulator lets it go').toBe(1);
  });
});

describeWithRedis('the arrival bound counts from the stamp in Redis', () => {
  const { server, instance } = sharedQuotaFixture('arrival-stamp');
  let raw: Redis | undefined;
  afterAll(() => raw?.disconnect());

  it('the sliding log’s score is no earlier than the simulator’s charge', async () => {
    const shared = await instance();
    const apiKey = 'arrival-stamp-key';
    const charged = await stalledCall((p, model, dims) => shared.storeFor(p, apiKey, model, dims, new RealClock()));
    raw ??= new Redis(server().url);
    const log = `${quotaKeyPrefix('gemini', apiKey, MODEL)}:log:RPM`;
    // The answer's bound and the settlement go to Redis in the background, in that order on one connection: read once
    // the reservation is closed (a few round trips at most).
    let scores: string[] = [];
    for (let i = 0; i < 100; i++) {
      scores = await raw.zrange(log, 0, -1, 'WITHSCORES');
      if (scores.length === 2 && (await raw.exists(`${quotaKeyPrefix('gemini', apiKey, MODEL)}:res:${scores[0]}`)) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(scores).toHaveLength(2);
    expect(Number(scores[1]), 'counted in Redis until the simulator lets it go').toBeGreaterThanOrEqual(charged);
  });
});
