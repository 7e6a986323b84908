// Thinking models on the real SDK against the simulator: a bounded thinking budget inside maxOutputTokens, thinking
// tokens counted as output, MAX_TOKENS as `truncated` with one larger retry, and every finish / block reason classified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallFailure } from '../../../shared/provider';
import { isRetryable } from '../../../electron/engine/retry';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import { thinkingPlan, thinkingRange } from '../../../electron/providers/gemini-thinking';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { DYNAMIC_THINKING_TOKENS } from '../../../electron/providers/simulator/thinking';
import { buildImageRequest, buildPdfRequest, buildThemeRequest, MAX_OUTPUT_TOKENS } from '../../../electron/validation/prompts';
import { never, photo, reportPdf, simulator, submission } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const MODEL = DEFAULT_CONFIG.providers.gemini.textModel;
const BUDGET = DEFAULT_CONFIG.providers.gemini.thinkingBudget as number;
const adapter = (over: Partial<Parameters<typeof createGeminiAdapter>[0]> = {}) =>
  createGeminiAdapter({ apiKey: sim.keys.gemini, baseUrl: sim.baseUrl, textModel: MODEL, visionModel: MODEL, timeoutMs: 5_000, ...over });
type Sent = { generationConfig: { maxOutputTokens: number; thinkingConfig?: { thinkingBudget: number } } };
const sent = () => sim.control.log().map((e) => (e.request as Sent).generationConfig);

async function fails(a = adapter(), req = buildThemeRequest(submission)): Promise<CallFailure> {
  const out = await a.call(req, never());
  if (out.ok) throw new Error(`expected a failure, got ${JSON.stringify(out.json)}`);
  return out;
}

describe('Gemini thinking budget', () => {
  it('the default config sends a bounded budget, the cap is budget + reply, and the thinking counts as output', async () => {
    const out = await adapter({ thinkingBudget: BUDGET }).call(buildThemeRequest(submission), never());
    expect(out.ok).toBe(true);
    expect(sent()).toEqual([
      expect.objectContaining({ maxOutputTokens: BUDGET + MAX_OUTPUT_TOKENS.theme, thinkingConfig: { thinkingBudget: BUDGET } }),
    ]);
    expect(out.usage?.thinkingTokens).toBe(BUDGET);
    expect(out.usage?.outputTokens).toBeGreaterThan(BUDGET);
    expect(out.usage?.totalTokens).toBe((out.usage?.inputTokens ?? 0) + (out.usage?.outputTokens ?? 0));
    expect(sim.control.log().map((e) => e.outcome)).toEqual(['ok']);
  });

  it('with the default config no kind of call (theme, PDF, photos) ever sees MAX_TOKENS in the simulator', async () => {
    const pdf = await reportPdf();
    const jpeg = await photo(640, 480);
    sim.control.setQuota({ provider: 'gemini', model: MODEL, limits: { rpm: 1_000 } }); // the free preset allows 2 a minute
    const a = adapter({ thinkingBudget: BUDGET });
    for (const req of [
      buildThemeRequest(submission),
      buildPdfRequest(submission, { bytes: pdf, text: null, pages: 1 }),
      buildImageRequest(submission, [jpeg, jpeg]),
    ]) {
      expect((await a.call(req, never())).ok).toBe(true);
    }
    expect(sim.control.log().map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok']);
  });

  it('the simulator truncates a request sized as before the fix: 200 MAX_TOKENS with no parts', async () => {
    const res = await fetch(`${sim.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': sim.keys.gemini },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: { maxOutputTokens: 256 } }),
    });
    const body = (await res.json()) as {
      candidates: Array<{ finishReason: string; content: { parts?: unknown[] } }>;
      usageMetadata: Record<string, number>;
    };
    expect(res.status).toBe(200);
    expect(body.candidates[0]?.finishReason).toBe('MAX_TOKENS');
    expect(body.candidates[0]?.content.parts).toBeUndefined();
    expect(body.usageMetadata.thoughtsTokenCount).toBe(256);
    expect(DYNAMIC_THINKING_TOKENS).toBeGreaterThan(MAX_OUTPUT_TOKENS.pdf);
  });

  it('MAX_TOKENS is truncated; the one retry is sent with a larger budget, and a second truncation is final', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ finishReason: 'MAX_TOKENS', times: 2 }] });
    const a = adapter();
    const req = buildThemeRequest(submission);
    const first = await fails(a, req);
    expect(first).toMatchObject({ kind: 'truncated', message: expect.stringContaining('MAX_TOKENS') });
    expect(first.final).toBeUndefined();
    expect(isRetryable(first)).toBe(true);
    const second = await fails(a, req);
    expect(second).toMatchObject({ kind: 'truncated', final: true });
    expect(isRetryable(second)).toBe(false);
    const [a1, a2] = sent();
    expect(JSON.stringify(a2)).not.toBe(JSON.stringify(a1));
    expect(a2?.thinkingConfig?.thinkingBudget).toBeGreaterThan(a1?.thinkingConfig?.thinkingBudget ?? 0);
    expect(a2?.maxOutputTokens).toBeGreaterThan(a1?.maxOutputTokens ?? 0);
    // A new request starts from the configured budget again.
    expect((await a.call(buildThemeRequest(submission), never())).ok).toBe(true);
    expect(sent()[2]).toEqual(a1);
  });

  it('budgets respect each model family: Pro never 0, Flash may switch off, older models get no thinkingConfig', () => {
    expect(thinkingPlan('gemini-2.5-pro', 0, 256, false)).toEqual({ thinkingBudget: 128, maxOutputTokens: 384 });
    expect(thinkingPlan('gemini-2.5-flash', 0, 256, false)).toEqual({ thinkingBudget: 0, maxOutputTokens: 256 });
    expect(thinkingPlan('models/gemini-2.5-flash-lite', 100, 256, false).thinkingBudget).toBe(512);
    expect(thinkingPlan('gemini-2.0-flash', 1024, 256, false)).toEqual({ maxOutputTokens: 256 });
    expect(thinkingRange('gemini-1.5-pro')).toBeNull();
    expect(thinkingPlan('gemini-2.5-pro', 30_000, 512, true).thinkingBudget).toBe(32_768);
  });
});

describe('Gemini finish and block reasons', () => {
  const stops = ['SAFETY', 'RECITATION', 'LANGUAGE', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'OTHER', 'MALFORMED_FUNCTION_CALL', 'IMAGE_SAFETY'];
  it.each(stops)('finishReason %s is safety with the reason in words, never retried', async (reason) => {
    sim.control.script({ provider: 'gemini', responses: [{ finishReason: reason }] });
    const f = await fails();
    expect(f).toMatchObject({ kind: 'safety', message: `Gemini stopped the reply: ${reason}` });
    expect(isRetryable(f)).toBe(false);
  });

  it('a prompt block with no candidates says so', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ blockReason: 'PROHIBITED_CONTENT' }] });
    const f = await fails();
    expect(f).toMatchObject({ kind: 'safety', message: 'Gemini blocked the prompt: PROHIBITED_CONTENT' });
    expect(isRetryable(f)).toBe(false);
  });
});
