// Groq through groq-sdk. `maxRetries: 0` always: the SDK's retries sleep the full retry-after, can't be aborted and
// would hide every 429 from the engine. `.withResponse()` exposes the x-ratelimit-* headers sent on every response.
// The SDK's timeout covers only the response headers, so the whole call runs under our Deadline.
import Groq from 'groq-sdk';
import type { ChatCompletionContentPart } from 'groq-sdk/resources/chat/completions';
import { modelFor as modelForKind } from '../../shared/config';
import type { CallKind, CallOutcome, LlmRequest } from '../../shared/provider';
import { RealClock } from '../engine/clock';
import type { ProviderAdapter } from '../engine/adapter';
import { withReportText } from '../validation/prompts';
import { cappedFetch } from './capped-body';
import type { ProviderClientOptions } from './client-options';
import { startDeadline } from './deadline';
import { classifyGroq, quotaFromHeaders } from './groq-errors';
import { failure, fromReplyText, type CallContext } from './outcome';
import { groqTokens } from './token-estimate';

/** Groq's vision limits: at most 5 images, and base64 image data over 4 MB gets a 413. */
export const GROQ_MAX_IMAGES = 5;
export const GROQ_MAX_BASE64_BYTES = 4 * 1024 * 1024;

function dataUrl(jpeg: Uint8Array): string {
  return `data:image/jpeg;base64,${Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).toString('base64')}`;
}

export function createGroqAdapter(opts: ProviderClientOptions): ProviderAdapter {
  const clock = opts.clock ?? new RealClock();
  const client = new Groq({
    apiKey: opts.apiKey,
    ...(opts.baseUrl && { baseURL: opts.baseUrl.replace(/\/+$/, '') }),
    maxRetries: 0,
    timeout: Math.max(1, Math.ceil(opts.timeoutMs)),
    fetch: cappedFetch(), // the SDK buffers whole bodies: cap them (docs/providers.md §5)
  });
  const modelFor = (kind: CallKind) => modelForKind(opts, kind);
  const userText = (req: LlmRequest) => (req.pdf?.text != null ? withReportText(req.prompt, req.pdf.text) : req.prompt);

  async function call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const ctx: CallContext = { provider: 'groq', model: modelFor(req.kind), startedAt: clock.now(), now: () => clock.now() };
    if (req.pdf && req.pdf.text == null) return failure(ctx, 'bad_request', 'Groq cannot read a PDF without a text layer');
    const images = req.images ?? [];
    if (images.length > GROQ_MAX_IMAGES)
      return failure(ctx, 'too_large', `${images.length} images: Groq accepts at most ${GROQ_MAX_IMAGES} per request`);
    const urls = images.map(dataUrl);
    const base64Bytes = urls.reduce((sum, u) => sum + u.length, 0);
    if (base64Bytes > GROQ_MAX_BASE64_BYTES) {
      return failure(ctx, 'too_large', `${(base64Bytes / 1048576).toFixed(1)} MB of base64 images: Groq's limit is 4 MB`);
    }
    const text = userText(req);
    const content: string | ChatCompletionContentPart[] = urls.length
      ? [{ type: 'text', text }, ...urls.map((url): ChatCompletionContentPart => ({ type: 'image_url', image_url: { url } }))]
      : text;

    const deadline = startDeadline(clock, opts.timeoutMs, signal);
    try {
      const { data, response } = await client.chat.completions
        .create(
          {
            model: ctx.model,
            messages: [
              { role: 'system', content: req.system },
              { role: 'user', content },
            ],
            response_format: { type: 'json_object' },
            temperature: 0,
            max_completion_tokens: req.maxOutputTokens,
          },
          { signal: deadline.signal, maxRetries: 0 },
        )
        .withResponse();
      const quota = quotaFromHeaders(response.headers);
      const usage = {
        inputTokens: data.usage?.prompt_tokens ?? 0,
        outputTokens: data.usage?.completion_tokens ?? 0,
        totalTokens: data.usage?.total_tokens ?? (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
      };
      return fromReplyText(ctx, data.choices?.[0]?.message?.content ?? '', req.schema, usage, quota);
    } catch (err) {
      return classifyGroq(ctx, err, deadline);
    } finally {
      deadline.dispose();
    }
  }

  return {
    id: 'groq',
    modelFor,
    supports: (req) => !(req.pdf && req.pdf.text == null),
    estimateTokens: (req) =>
      groqTokens({ chars: req.system.length + userText(req).length, images: req.images ?? [], maxOutputTokens: req.maxOutputTokens }),
    call,
  };
}
