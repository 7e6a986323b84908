// Classifying a failed Groq call (docs/providers.md §2, §4). A 429's sentence carries the dimension "(TPM)", the
// numbers "Limit 7000, Used 0, Requested ~7895" and the wait "try again in 6.780999999s"; older deployments and
// proxies answer a request that can never fit with such a 429 instead of a 413, and some drop the dimension phrase.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';
import type { CallOutcome, QuotaDimension, QuotaInfo } from '../../shared/provider';
import { ResponseTooLargeError } from './capped-body';
import type { Deadline } from './deadline';
import { GO_DURATION_PATTERN, parseGoDuration } from './go-duration';
import { errorMessage, failure, type CallContext } from './outcome';

export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined;

export function header(h: HeaderSource, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The x-ratelimit-* headers as QuotaInfo; undefined when the response carries none (a 401 has none). */
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

const DIMENSION = /\((RPM|RPD|TPM|TPD)\)/;
const TRY_AGAIN = new RegExp(`try again in (${GO_DURATION_PATTERN})`, 'i');
/** "Limit 7000, Used 0, Requested ~7895" (Used may be missing, Requested may be approximate). */
const NUMBERS = /Limit (\d+)(?:, Used (\d+))?, Requested ~?(\d+)/;

interface GroqErrorBody {
  error?: { message?: string; type?: string; code?: string };
}

/**
 * The dimension of a 429 without "(TPM)": the body's type says tokens or requests; the limit against the headers
 * (x-ratelimit-limit-tokens is the per-minute token limit, x-ratelimit-limit-requests the per-day request limit) says
 * minute or day; a wait past a minute means a day. When nothing decides, the daily one: it stops sooner.
 */
function inferDimension(
  type: string | undefined,
  limit: number | undefined,
  quota: QuotaInfo | undefined,
  waitMs: number | undefined,
): QuotaDimension | undefined {
  if (type !== 'tokens' && type !== 'requests') return undefined;
  const tokens = type === 'tokens';
  if (waitMs !== undefined && waitMs > 60_000) return tokens ? 'TPD' : 'RPD';
  if (limit !== undefined) {
    if (tokens && quota?.limitTokens !== undefined) return limit > quota.limitTokens ? 'TPD' : 'TPM';
    if (!tokens && quota?.limitRequests !== undefined) return limit >= quota.limitRequests ? 'RPD' : 'RPM';
  }
  return tokens ? 'TPD' : 'RPD';
}

export function classifyGroq(ctx: CallContext, err: unknown, deadline: Deadline): CallOutcome {
  const message = errorMessage(err);
  if (err instanceof ResponseTooLargeError || (err instanceof Error && err.cause instanceof ResponseTooLargeError)) {
    return failure(ctx, 'server', `Groq: ${err instanceof ResponseTooLargeError ? err.message : (err.cause as Error).message}`);
  }
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
  if (status === 429) return rateLimited(ctx, text, body, err.headers as HeaderSource, quota);
  if (status === 413) return failure(ctx, 'too_large', text, { ...extra, dimension: 'TPM' });
  if (status === 401 || status === 403) return failure(ctx, 'auth', text, extra);
  if (status === 404) return failure(ctx, 'not_found', `Groq has no model "${ctx.model}" for this key: ${text}`, extra);
  if (status === 400 && body.error?.code === 'json_validate_failed') return failure(ctx, 'malformed', text, extra);
  if (status === 503 || status === 498) return failure(ctx, 'overloaded', text, extra);
  if (status >= 500) return failure(ctx, 'server', text, extra);
  return failure(ctx, 'bad_request', text, extra);
}

function rateLimited(ctx: CallContext, text: string, body: GroqErrorBody, headers: HeaderSource, quota: QuotaInfo | undefined): CallOutcome {
  const hinted = TRY_AGAIN.exec(text)?.[1];
  const retryAfter = Number(header(headers, 'retry-after'));
  const retryAfterMs = (hinted !== undefined ? parseGoDuration(hinted) : null) ?? (Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  const nums = NUMBERS.exec(text);
  const limit = nums ? Number(nums[1]) : undefined;
  const requested = nums ? Number(nums[3]) : undefined;
  const named = DIMENSION.exec(text)?.[1] as QuotaDimension | undefined;
  const dimension = named ?? inferDimension(body.error?.type, limit, quota, retryAfterMs);
  const extra = { status: 429, ...(quota && { quota }), ...(dimension && { dimension }) };
  // The request alone is larger than the whole limit: waiting can never help, so it is too_large (fall back now).
  if (limit !== undefined && requested !== undefined && requested > limit) {
    return failure(ctx, 'too_large', `the request needs ${requested} tokens, over Groq's limit of ${limit}: ${text}`, extra);
  }
  const daily = dimension === 'RPD' || dimension === 'TPD';
  // A limit the sentence names caps only its own dimension (quota feedback): carry it as QuotaInfo.
  const namedQuota: QuotaInfo | undefined =
    limit !== undefined && !daily && dimension ? { ...quota, ...(dimension === 'TPM' ? { limitTokens: limit } : { limitRequests: limit }) } : quota;
  return failure(ctx, daily ? 'daily_quota' : 'rate_limit', text, {
    ...extra,
    ...(namedQuota && { quota: namedQuota }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}
