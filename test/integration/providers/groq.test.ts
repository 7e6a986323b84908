// The real groq-sdk (maxRetries 0) against the simulator: quota headers into QuotaInfo, 429 dimension and wait,
// 413, auth, json_validate_failed, connection errors and timeouts; images really reach the vision route.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallFailure } from '../../../shared/provider';
import { createGroqAdapter, GROQ_MAX_BASE64_BYTES } from '../../../electron/providers/groq';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { buildImageRequest, buildPdfRequest, buildThemeRequest, readReportText } from '../../../electron/validation/prompts';
import { never, photo, REPORT_LINES, simulator, submission } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const TEXT = 'llama-3.3-70b-versatile';
const VISION = 'meta-llama/llama-4-scout-17b-16e-instruct';
const adapter = (over: Partial<Parameters<typeof createGroqAdapter>[0]> = {}) =>
  createGroqAdapter({ apiKey: sim.keys.groq, baseUrl: sim.baseUrl, textModel: TEXT, visionModel: VISION, timeoutMs: 5_000, ...over });
const theme = () => buildThemeRequest(submission);

async function fails(over: Partial<Parameters<typeof createGroqAdapter>[0]> = {}, req = theme()): Promise<CallFailure> {
  const out = await adapter(over).call(req, never());
  if (out.ok) throw new Error(`expected a failure, got ${JSON.stringify(out.json)}`);
  return out;
}

type ChatBody = {
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string; image_url?: { url: string } }> }>;
  response_format: unknown;
  max_completion_tokens: number;
};

describe('Groq adapter', () => {
  it('succeeds and parses the x-ratelimit-* headers into QuotaInfo', async () => {
    const out = await adapter().call(theme(), never());
    expect(out).toMatchObject({ ok: true, provider: 'groq', model: TEXT, json: { aligned: true } });
    if (!out.ok) return;
    const charged = out.usage.totalTokens;
    expect(out.quota).toEqual({
      limitRequests: 1_000,
      limitTokens: 12_000,
      remainingRequests: 999,
      remainingTokens: expect.any(Number),
      // Within a few ms: the buckets refill between the charge and the headers.
      resetRequestsMs: expect.closeTo(86_400, -1),
      resetTokensMs: expect.closeTo((charged * 60_000) / 12_000, -1),
    });
    // The same few ms refill the token bucket too: at 12,000 a minute, one token per 5 ms (a CI run saw 11,813 for 11,812).
    expect(out.quota?.remainingTokens).toBeGreaterThanOrEqual(12_000 - charged);
    expect(out.quota?.remainingTokens).toBeLessThanOrEqual(12_000 - charged + 1);
    const body = sim.control.log()[0]?.request as ChatBody;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.max_completion_tokens).toBe(256);
  });

  it('a TPM 429 carries the dimension, the hinted wait and the headers; no SDK retry', async () => {
    const req = theme();
    const estimate = adapter().estimateTokens(req);
    sim.control.setQuota({ provider: 'groq', model: TEXT, limits: { tpm: estimate + 10 } });
    expect((await adapter().call(req, never())).ok).toBe(true);
    const f = await fails();
    expect(f).toMatchObject({ kind: 'rate_limit', status: 429, dimension: 'TPM', quota: { limitTokens: estimate + 10 } });
    expect(f.message).toMatch(/tokens per minute \(TPM\): Limit \d+, Used \d+, Requested \d+\. Please try again in [\d.]+s\./);
    const hinted = /try again in ([\d.]+)s/.exec(f.message)?.[1];
    expect(f.retryAfterMs).toBeCloseTo(Number(hinted) * 1_000, 6);
    expect(sim.control.log().map((e) => e.status)).toEqual([200, 429]);
  });

  it('RPD and TPD 429s are daily_quota', async () => {
    sim.control.setQuota({ provider: 'groq', model: TEXT, limits: { rpd: 1 } });
    await adapter().call(theme(), never());
    expect(await fails()).toMatchObject({ kind: 'daily_quota', dimension: 'RPD' });
    sim.control.reset();
    const estimate = adapter().estimateTokens(theme());
    sim.control.setQuota({ provider: 'groq', model: TEXT, limits: { tpd: estimate + 10 } });
    await adapter().call(theme(), never());
    expect(await fails()).toMatchObject({ kind: 'daily_quota', dimension: 'TPD' });
  });

  it('parses Go-duration waits from the message, else the retry-after header', async () => {
    const body = (message: string) => ({ error: { message, type: 'requests', code: 'rate_limit_exceeded' } });
    sim.control.script({
      provider: 'groq',
      responses: [
        {
          status: 429,
          headers: { 'retry-after': '84' },
          body: body('Rate limit reached ... on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 1m23.5s. Need more?'),
        },
        { status: 429, headers: { 'retry-after': '3' }, body: body('Rate limit reached on requests per minute (RPM).') },
      ],
    });
    expect(await fails()).toMatchObject({ kind: 'rate_limit', dimension: 'RPM', retryAfterMs: 83_500 });
    expect(await fails()).toMatchObject({ kind: 'rate_limit', dimension: 'RPM', retryAfterMs: 3_000 });
    expect(sim.control.log()).toHaveLength(2);
  });

  it('one request bigger than the TPM limit is too_large (413)', async () => {
    sim.control.setQuota({ provider: 'groq', model: TEXT, limits: { tpm: 100 } });
    expect(await fails()).toMatchObject({ kind: 'too_large', status: 413 });
  });

  it('auth, unknown model, json_validate_failed, overloaded and server errors', async () => {
    expect(await fails({ apiKey: 'gsk_wrong' })).toMatchObject({ kind: 'auth', status: 401 });
    expect(await fails({ textModel: 'llama-9-giant' })).toMatchObject({ kind: 'not_found', status: 404 });
    sim.control.script({
      provider: 'groq',
      responses: [
        {
          status: 400,
          body: {
            error: {
              message: "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
              type: 'invalid_request_error',
              code: 'json_validate_failed',
            },
          },
        },
        { status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } },
      ],
    });
    expect(await fails()).toMatchObject({ kind: 'malformed', status: 400 });
    expect(await fails()).toMatchObject({ kind: 'bad_request', status: 400 });
    sim.control.outage({ provider: 'groq', durationMs: 60_000 });
    const f = await fails();
    expect(f).toMatchObject({ kind: 'overloaded', status: 503, quota: { limitRequests: 1_000 } });
    sim.control.reset();
    sim.control.outage({ provider: 'groq', durationMs: 60_000, status: 500 });
    expect(await fails()).toMatchObject({ kind: 'server', status: 500 });
    expect(sim.control.log()).toHaveLength(1);
  });

  it('malformed content is a failed call, not a "NO"', async () => {
    sim.control.script({ provider: 'groq', responses: [{ reply: 'aligned: yes' }, { reply: { aligned: 'no' } }] });
    expect(await fails()).toMatchObject({ kind: 'malformed' });
    expect(await fails()).toMatchObject({ kind: 'malformed', message: 'reply.aligned: expected true or false' });
  });

  it('timeouts end on time, before headers and in a stalled body', async () => {
    sim.control.script({ provider: 'groq', responses: [{ delayMs: 5_000 }, { stallMs: 5_000 }] });
    for (const _ of [1, 2]) {
      const t = Date.now();
      expect(await fails({ timeoutMs: 150 })).toMatchObject({ kind: 'timeout' });
      expect(Date.now() - t).toBeLessThan(2_000);
    }
  });

  it('a refused connection and a dropped one are network', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await fails({ baseUrl: `http://127.0.0.1:${port}` })).toMatchObject({ kind: 'network' });
    sim.control.script({ provider: 'groq', responses: [{ drop: 'before-headers' }] });
    expect(await fails()).toMatchObject({ kind: 'network' });
  });

  it('the vision model really receives the photos: the data URLs decode to the bytes sent', async () => {
    const photos = [await photo(800, 600), await photo(640, 480)];
    const out = await adapter().call(buildImageRequest(submission, photos), never());
    expect(out).toMatchObject({ ok: true, model: VISION, json: { is_real_event: true } });
    const entry = sim.control.log()[0];
    expect(entry?.model).toBe(VISION);
    const user = (entry?.request as ChatBody).messages.find((m) => m.role === 'user');
    const urls = Array.isArray(user?.content) ? user.content.flatMap((p) => (p.image_url ? [p.image_url.url] : [])) : [];
    expect(urls).toHaveLength(2);
    urls.forEach((url, i) => {
      expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
      expect(Buffer.from(url.slice('data:image/jpeg;base64,'.length), 'base64').equals(Buffer.from(photos[i] as Uint8Array))).toBe(true);
    });
  });

  it('more than 5 photos or over 4 MB of base64 is too_large before anything is sent', async () => {
    const small = await photo(64, 64);
    expect(await fails({}, buildImageRequest(submission, Array(6).fill(small)))).toMatchObject({ kind: 'too_large' });
    const big = await photo(1400, 1400, true);
    const copies = Math.ceil(GROQ_MAX_BASE64_BYTES / ((big.length * 4) / 3)) + 1;
    expect(copies).toBeLessThanOrEqual(5);
    expect(await fails({}, buildImageRequest(submission, Array(copies).fill(big)))).toMatchObject({ kind: 'too_large' });
    expect(sim.control.log()).toHaveLength(0);
  });

  it("gets the PDF's extracted text; a PDF without text is not supported", async () => {
    const text = REPORT_LINES.join('\n');
    const req = buildPdfRequest(submission, { bytes: new Uint8Array([37, 80, 68, 70]), text, pages: 1 });
    expect(adapter().supports(req)).toBe(true);
    expect(await adapter().call(req, never())).toMatchObject({
      ok: true,
      json: { title_match: true, expert_details: true, participants_valid: true },
    });
    const user = (sim.control.log()[0]?.request as ChatBody).messages.find((m) => m.role === 'user');
    expect(readReportText(String(user?.content))).toBe(text);

    const scanned = buildPdfRequest(submission, { bytes: new Uint8Array([37, 80, 68, 70]), text: null, pages: 3 });
    expect(adapter().supports(scanned)).toBe(false);
    expect(await fails({}, scanned)).toMatchObject({ kind: 'bad_request' });
    expect(sim.control.log()).toHaveLength(1);
  });
});
