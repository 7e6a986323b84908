// The client's bound on when the request reached the server (docs/engine.md §1, "Arrival"): the Gemini adapter reads
// the front end's Server-Timing off the real SDK's response and subtracts it from the time to the headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTimingMs } from '../../../electron/providers/gemini-fetch';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { buildThemeRequest } from '../../../electron/validation/prompts';
import { never, submission } from './fixtures';

describe('serverTimingMs', () => {
  it("reads Gemini's front end and takes the longest metric; none, or no dur, is undefined", () => {
    expect(serverTimingMs('gfet4t7; dur=2345')).toBe(2345);
    expect(serverTimingMs('cache;desc="x", db;dur=12.5, app;dur=40')).toBe(40);
    expect(serverTimingMs('miss')).toBeUndefined();
    expect(serverTimingMs(null)).toBeUndefined();
  });
});

describe('Gemini adapter arrival bound', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // Real latency (a small scale of it): the server holds the request, and says so in Server-Timing.
    sim = await startSimulator({ timeScale: 0.05, preset: 'free', seed: 7 });
  });
  afterAll(() => sim.close());
  const adapter = () =>
    createGeminiAdapter({
      apiKey: sim.keys.gemini,
      baseUrl: sim.baseUrl,
      textModel: 'gemini-2.5-flash',
      visionModel: 'gemini-2.5-flash',
      timeoutMs: 10_000,
    });

  it('an answer and a 429 both carry a bound below their latency: the time the server held them is taken off', async () => {
    let before = Date.now();
    const ok = await adapter().call(buildThemeRequest(submission), never());
    expect(ok.ok).toBe(true);
    const charged = sim.control.log().at(-1)?.charged?.at ?? Number.POSITIVE_INFINITY;
    expect(ok.arrivedBy, 'no earlier than the simulator counted it').toBeGreaterThanOrEqual(charged);
    expect((ok.arrivedBy ?? 0) - before).toBeLessThan(ok.latencyMs);
    sim.control.script({
      provider: 'gemini',
      responses: [{ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'You exceeded your current quota.' } } }],
    });
    before = Date.now();
    const refused = await adapter().call(buildThemeRequest(submission), never());
    expect(refused).toMatchObject({ ok: false, kind: 'rate_limit' });
    expect(refused.arrivedBy).toBeGreaterThanOrEqual(before);
    expect((refused.arrivedBy ?? 0) - before).toBeLessThanOrEqual(refused.latencyMs);
  });
});
