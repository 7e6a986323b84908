// Groq through groq-sdk. `maxRetries: 0` always: the SDK's retries sleep the full retry-after, can't be aborted and
// would hide every 429 from the engine. `.withResponse()` exposes the x-ratelimit-* headers sent on every response.
// The SDK's timeout covers only the response headers, so the whole call runs under our Deadline.
import Groq, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';
import type { ChatCompletionContentPart } from 'groq-sdk/resources/chat/completions';
import { modelFor as modelForKind } from '../../shared/config';
import type { CallKind, CallOutcome, LlmRequest, QuotaDimension, QuotaInfo } from '../../shared/provider';
import { RealClock, type Clock } from '../engine/clock';
import type { ProviderAdapter } from '../engine/adapter';
import { withReportText } from '../validation/prompts';
import { startDeadline, type Deadline } from './deadline';
import { GO_DURATION_PATTERN, parseGoDuration } from './go-duration';
import { errorMessage, failure, fromReplyText, type CallContext } from './outcome';
import { groqTokens } from './token-estimate';

export interface GroqAdapterOptions {
  apiKey: string;
  /** The host root; the SDK appends /openai/v1/... */
  baseUrl?: string;
  textModel: string;
  visionModel: string;
  timeoutMs: number;
  clock?: Clock;
}

/** Groq's vision limits: at most 5 images, and base64 image data over 4 MB gets a 413. */
export const GROQ_MAX_IMAGES = 5;
export const GROQ_MAX_BASE64_BYTES = 4 * 1024 * 1024;

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined;

function header(h: HeaderSource, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The x-ratelimit-* headers as QuotaInfo; undefined when the response carries none. */
export function quotaFromHeaders(h: HeaderSource): QuotaInfo | undefined {
  const num = (name: string) => {
    const v = header(h, name);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const dur = (name: string) => {
    const v = header(h, name);
    return v === undefined ? undefined : (parseGoDuration(v) ?? undefined);
  };
  const q: QuotaInfo = {
    limitRequests: num('x-ratelimit-limit-requests'),
    limitTokens: num('x-ratelimit-limit-tokens'),
    remainingRequests: num('x-ratelimit-remaining-requests'),
    remainingTokens: num('x-ratelimit-remaining-tokens'),
    resetRequestsMs: dur('x-ratelimit-reset-requests'),
    resetTokensMs: dur('x-ratelimit-reset-tokens'),
  };
  const present = Object.entries(q).filter(([, v]) => v !== undefined);
  return present.length ? (Object.fromEntries(present) as QuotaInfo) : undefined;
}

function dataUrl(jpeg: Uint8Array): string {
  return `data:image/jpeg;base64,${Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).toString('base64')}`;
}

export function createGroqAdapter(opts: GroqAdapterOptions): ProviderAdapter {
  const clock = opts.clock ?? new RealClock();
  const client = new Groq({
    apiKey: opts.apiKey,
    ...(opts.baseUrl && { baseURL: opts.baseUrl.replace(/\/+$/, '') }),
    maxRetries: 0,
    timeout: Math.max(1, Math.ceil(opts.timeoutMs)),
  });
  const modelFor = (kind: CallKind) => modelForKind(opts, kind);
  const userText = (req: LlmRequest) => (req.pdf?.text != null ? withReportText(req.prompt, req.pdf.text) : req.prompt);

  async function call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const ctx: CallContext = { provider: 'groq', model: modelFor(req.kind), startedAt: clock.now(), now: () => clock.now() };
    if (req.pdf && req.pdf.text == null) return failure(ctx, 'bad_request', 'Groq cannot read a PDF without a text layer');
    const images = req.images ?? [];
    if (images.length > GROQ_MAX_IMAGES) return failure(ctx, 'too_large', `${images.length} images: Groq accepts at most ${GROQ_MAX_IMAGES} per request`);
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
      return classify(ctx, err, deadline);
    } finally {
      deadline.dispose();
    }
  }

  return {
    id: 'groq',
    modelFor,
    supports: (req) => !(req.pdf && req.pdf.text == null),
    estimateTokens: (req) => groqTokens({ chars: req.system.length + userText(req).length, images: req.images ?? [], maxOutputTokens: req.maxOutputTokens }),
    call,
  };
}

const DIMENSION = /\((RPM|RPD|TPM|TPD)\)/;
const TRY_AGAIN = new RegExp(`try again in (${GO_DURATION_PATTERN})`, 'i');

interface GroqErrorBody {
  error?: { message?: string; type?: string; code?: string };
}

function classify(ctx: CallContext, err: unknown, deadline: Deadline): CallOutcome {
  const message = errorMessage(err);
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError') || deadline.signal.aborted) {
    return failure(ctx, deadline.timedOut() ? 'timeout' : 'aborted', deadline.timedOut() ? `no reply in time: ${message}` : message);
  }
  if (err instanceof APIConnectionTimeoutError) return failure(ctx, 'timeout', message);
  if (err instanceof APIConnectionError) return failure(ctx, 'network', `${message}${err.cause ? ` (${errorMessage(err.cause)})` : ''}`);
  if (err instanceof SyntaxError) return failure(ctx, 'malformed', `the response body is not JSON: ${message}`);
  if (!(err instanceof APIError) || err.status === undefined) return failure(ctx, 'network', message);

  const status = err.status;
  const body = (err.error ?? {}) as GroqErrorBody;
  const text = body.error?.message ?? message;
  const quota = quotaFromHeaders(err.headers as HeaderSource);
  const extra = { status, ...(quota && { quota }) };
  if (status === 429) {
    const dimension = DIMENSION.exec(text)?.[1] as QuotaDimension | undefined;
    const hinted = TRY_AGAIN.exec(text)?.[1];
    const retryAfter = Number(header(err.headers as HeaderSource, 'retry-after'));
    const retryAfterMs = (hinted !== undefined ? parseGoDuration(hinted) : null) ?? (Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
    const daily = dimension === 'RPD' || dimension === 'TPD';
    return failure(ctx, daily ? 'daily_quota' : 'rate_limit', text, {
      ...extra,
      ...(dimension && { dimension }),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (status === 413) return failure(ctx, 'too_large', text, { ...extra, dimension: 'TPM' });
  if (status === 401 || status === 403) return failure(ctx, 'auth', text, extra);
  if (status === 404) return failure(ctx, 'not_found', text, extra);
  if (status === 400 && body.error?.code === 'json_validate_failed') return failure(ctx, 'malformed', text, extra);
  if (status === 503 || status === 498) return failure(ctx, 'overloaded', text, extra);
  if (status >= 500) return failure(ctx, 'server', text, extra);
  return failure(ctx, 'bad_request', text, extra);
}
