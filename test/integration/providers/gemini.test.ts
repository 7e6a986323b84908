// The real @google/generative-ai SDK against the simulator: every failure kind classified exactly, one request per
// call (the SDK never retries), timeouts and stalls end on time, malformed replies are failures, not "NO".
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallFailure } from '../../../shared/provider';
import { createGeminiAdapter } from '../../../electron/providers/gemini';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { buildImageRequest, buildPdfRequest, buildThemeRequest } from '../../../electron/validation/prompts';
import { never, photo, reportPdf, simulator, submission } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const MODEL = 'gemini-2.5-flash';
const adapter = (over: Partial<Parameters<typeof createGeminiAdapter>[0]> = {}) =>
  createGeminiAdapter({ apiKey: sim.keys.gemini, baseUrl: sim.baseUrl, textModel: MODEL, visionModel: MODEL, timeoutMs: 5_000, ...over });
const theme = () => buildThemeRequest(submission);

async function fails(over: Partial<Parameters<typeof createGeminiAdapter>[0]> = {}, req = theme()): Promise<CallFailure> {
  const out = await adapter(over).call(req, never());
  if (out.ok) throw new Error(`expected a failure, got ${JSON.stringify(out.json)}`);
  return out;
}

const quota429 = (quotaId: string, retryDelay: string, message = 'You exceeded your current quota.') => ({
  status: 429,
  body: {
    error: {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message,
      details: [
        // RetryInfo first: details are matched by @type, never by position.
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId, quotaValue: '20', quotaMetric: 'm' }] },
      ],
    },
  },
});

describe('Gemini adapter', () => {
  it('succeeds with parsed JSON, usage and latency; the PDF and photos go inline', async () => {
    const pdf = await reportPdf();
    const out = await adapter().call(buildPdfRequest(submission, { bytes: pdf, text: null, pages: 1 }), never());
    expect(out).toMatchObject({
      ok: true,
      provider: 'gemini',
      model: MODEL,
      json: { title_match: true, expert_details: true, participants_valid: true },
    });
    if (!out.ok) return;
    expect(out.usage.inputTokens).toBe(adapter().estimateTokens(buildPdfRequest(submission, { bytes: pdf, text: null, pages: 1 })));
    expect(out.usage.totalTokens).toBe(out.usage.inputTokens + out.usage.outputTokens);

    const jpeg = await photo(800, 600);
    expect((await adapter().call(buildImageRequest(submission, [jpeg, jpeg]), never())).ok).toBe(true);
    const [pdfReq, imgReq] = sim.control.log().map(
      (e) =>
        e.request as {
          contents: Array<{ parts: Array<{ inlineData?: { mimeType: string; data: string } }> }>;
          generationConfig: { responseMimeType: string; responseSchema: { type: string } };
        },
    );
    const inline = (r: typeof pdfReq) => r?.contents[0]?.parts.flatMap((p) => (p.inlineData ? [p.inlineData] : [])) ?? [];
    expect(inline(pdfReq).map((d) => d.mimeType)).toEqual(['application/pdf']);
    expect(Buffer.from(inline(pdfReq)[0]?.data ?? '', 'base64').equals(Buffer.from(pdf))).toBe(true);
    expect(inline(imgReq).map((d) => d.mimeType)).toEqual(['image/jpeg', 'image/jpeg']);
    expect(pdfReq?.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'object' } });
  });

  it("per-minute 429 from the simulator's own quota: rate_limit, RPM, retryAfterMs; not charged, one request each", async () => {
    sim.control.setQuota({ provider: 'gemini', model: MODEL, limits: { rpm: 1 } });
    expect((await adapter().call(theme(), never())).ok).toBe(true);
    const f = await fails();
    expect(f).toMatchObject({ kind: 'rate_limit', status: 429, dimension: 'RPM', quota: { limitRequests: 1 } });
    expect(f.retryAfterMs).toBeGreaterThan(50_000);
    expect(f.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(sim.control.log().map((e) => e.status)).toEqual([200, 429]);
  });

  it('a per-day 429 is daily_quota although its retryDelay is short', async () => {
    sim.control.setQuota({ provider: 'gemini', model: MODEL, limits: { rpd: 1 } });
    await adapter().call(theme(), never());
    const f = await fails();
    expect(f).toMatchObject({ kind: 'daily_quota', dimension: 'RPD' });
    expect(f.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('classifies by quotaId: input tokens per minute → TPM, fractional retryDelay kept', async () => {
    sim.control.script({ provider: 'gemini', responses: [quota429('GenerateContentInputTokensPerModelPerMinute-FreeTier', '41.754757778s')] });
    expect(await fails()).toMatchObject({ kind: 'rate_limit', dimension: 'TPM', retryAfterMs: 41_754.757778, quota: { limitTokens: 20 } });
    sim.control.script({ provider: 'gemini', responses: [quota429('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '7s')] });
    expect(await fails()).toMatchObject({ kind: 'daily_quota', dimension: 'RPD', retryAfterMs: 7_000 });
  });

  it('falls back to "Please retry in" in the message when RetryInfo is missing', async () => {
    sim.control.script({
      provider: 'gemini',
      responses: [{ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.\nPlease retry in 12.5s.' } } }],
    });
    expect(await fails()).toMatchObject({ kind: 'rate_limit', retryAfterMs: 12_500 });
  });

  it.each([
    [503, 'overloaded'],
    [500, 'server'],
  ] as const)('an outage answering %d is %s, with exactly one request', async (status, kind) => {
    sim.control.outage({ provider: 'gemini', durationMs: 60_000, status });
    expect(await fails()).toMatchObject({ kind, status });
    expect(sim.control.log()).toHaveLength(1);
  });

  it('auth: an unknown key (400 API_KEY_INVALID) and a missing key (403) are auth', async () => {
    expect(await fails({ apiKey: 'AIza-wrong' })).toMatchObject({ kind: 'auth', status: 400 });
    expect(await fails({ apiKey: '' })).toMatchObject({ kind: 'auth', status: 403 });
  });

  it('an unknown model is not_found; another 400 is bad_request', async () => {
    expect(await fails({ textModel: 'gemini-9-ultra' })).toMatchObject({ kind: 'not_found', status: 404 });
    sim.control.script({
      provider: 'gemini',
      responses: [{ status: 400, body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' } } }],
    });
    expect(await fails()).toMatchObject({ kind: 'bad_request', status: 400 });
  });

  it('a SAFETY block is safety', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ finishReason: 'SAFETY' }] });
    expect(await fails()).toMatchObject({ kind: 'safety' });
  });

  it('malformed replies are failed calls, never a "NO"', async () => {
    sim.control.script({
      provider: 'gemini',
      responses: [{ reply: 'Sure! The event is aligned.' }, { reply: { reason: 'aligned field missing' } }, { malformed: true }],
    });
    expect(await fails()).toMatchObject({ kind: 'malformed', message: expect.stringContaining('not valid JSON') });
    expect(await fails()).toMatchObject({ kind: 'malformed', message: 'reply.aligned: missing' });
    expect(await fails()).toMatchObject({ kind: 'malformed' });
  });

  it('a reply slower than the timeout ends on time as timeout (before headers and mid-body)', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ delayMs: 5_000 }, { stallMs: 5_000 }] });
    for (const _ of [1, 2]) {
      const t = Date.now();
      expect(await fails({ timeoutMs: 150 })).toMatchObject({ kind: 'timeout' });
      expect(Date.now() - t).toBeLessThan(2_000);
    }
    expect(sim.control.log()).toHaveLength(2);
  });

  it('a caller abort is aborted, not timeout', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ delayMs: 5_000 }] });
    const ac = new AbortController();
    const p = adapter().call(theme(), ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ ok: false, kind: 'aborted' });
  });

  it('a dropped connection is network', async () => {
    sim.control.script({ provider: 'gemini', responses: [{ drop: 'before-headers' }, { drop: 'mid-body' }] });
    expect(await fails()).toMatchObject({ kind: 'network' });
    expect(await fails()).toMatchObject({ kind: 'network' });
  });

  it('speaks v1 as well as v1beta', async () => {
    expect((await adapter({ apiVersion: 'v1' }).call(theme(), never())).ok).toBe(true);
    expect(sim.control.log()[0]?.path).toBe(`/v1/models/${MODEL}:generateContent`);
  });
});
