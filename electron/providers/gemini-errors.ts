// Classifying a failed Gemini call (docs/providers.md §2, §4). The status alone is not enough: a 429 lists up to four
// quota violations in any order (a spent daily quota may come last), "limit: 0" means the key's tier has no quota for
// the model at all, and a 400 is a bad key, a region or billing precondition, or our own mistake.
import { GoogleGenerativeAIAbortError, GoogleGenerativeAIFetchError, GoogleGenerativeAIResponseError } from '@google/generative-ai';
import type { CallOutcome, QuotaDimension, QuotaInfo } from '../../shared/provider';
import type { Deadline } from './deadline';
import type { FetchTap } from './gemini-fetch';
import { GO_DURATION_PATTERN, parseGoDuration } from './go-duration';
import { errorMessage, failure, type CallContext } from './outcome';

interface Violation {
  quotaId?: string;
  quotaMetric?: string;
  quotaValue?: string;
}

interface ErrorDetail {
  '@type'?: string;
  reason?: string;
  retryDelay?: string;
  violations?: Violation[];
}

/** "Please retry in 41.754757778s." in the 429 message, when RetryInfo is missing. */
const RETRY_IN = new RegExp(`retry in (${GO_DURATION_PATTERN})`, 'i');
/** "* Quota exceeded for metric: …, limit: 0, model: gemini-2.5-pro" – one line per violation. */
const ZERO_LIMIT = /limit: 0(?![\d.])/;

/** The server's own sentence, without the SDK's "Error fetching from <url>: [429 Too Many Requests]" prefix or details. */
export function serverSentence(message: string): string {
  const m = /\[\d{3}[^\]]*\]\s*([\s\S]*)$/.exec(message);
  const text = (m?.[1] ?? message).replace(/\s*\[\{"@type"[\s\S]*$/, '').trim();
  return text || message;
}

export function classifyGemini(ctx: CallContext, err: unknown, deadline: Deadline, tap: FetchTap): CallOutcome {
  const message = errorMessage(err);
  const isAbort = err instanceof GoogleGenerativeAIAbortError || (err instanceof Error && err.name === 'AbortError') || deadline.signal.aborted;
  if (isAbort) return failure(ctx, deadline.timedOut() ? 'timeout' : 'aborted', deadline.timedOut() ? `no reply in time: ${message}` : message);
  if (tap.overflow) return failure(ctx, 'server', `Gemini: ${tap.overflow.message}`);
  if (err instanceof GoogleGenerativeAIResponseError) return failure(ctx, 'safety', message);
  if (err instanceof SyntaxError) return failure(ctx, 'malformed', `the response body is not JSON: ${message}`);
  if (!(err instanceof GoogleGenerativeAIFetchError) || err.status === undefined) return failure(ctx, 'network', message);

  const status = err.status;
  const sentence = serverSentence(message);
  const details = (Array.isArray(err.errorDetails) ? err.errorDetails : []) as ErrorDetail[];
  const byType = (suffix: string) => details.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(suffix));
  if (status === 429) return rateLimited(ctx, message, sentence, byType('google.rpc.QuotaFailure'), byType('google.rpc.RetryInfo'));
  if (status === 503) return failure(ctx, 'overloaded', message, { status });
  if (status >= 500) return failure(ctx, 'server', message, { status });
  if (status === 401 || status === 403) return failure(ctx, 'auth', message, { status });
  if (status === 400 && byType('google.rpc.ErrorInfo')?.reason === 'API_KEY_INVALID') return failure(ctx, 'auth', message, { status });
  if (status === 400 && tap.errorStatus === 'FAILED_PRECONDITION') {
    return failure(ctx, 'precondition', `Gemini refuses this key: ${sentence}`, { status });
  }
  if (status === 404) return failure(ctx, 'not_found', `Gemini has no model "${ctx.model}" for this key: ${sentence}`, { status });
  if (status === 413) return failure(ctx, 'too_large', message, { status });
  return failure(ctx, 'bad_request', message, { status });
}

function dimensionOf(v: Violation): QuotaDimension {
  const id = v.quotaId ?? '';
  const tokens = /Token/i.test(id) || /token/i.test(v.quotaMetric ?? '');
  return /PerDay/i.test(id) ? (tokens ? 'TPD' : 'RPD') : tokens ? 'TPM' : 'RPM';
}

/**
 * Every violation is read, never only the first: any per-day id is daily exhaustion, a zero limit is "no quota on this
 * tier", and otherwise the per-minute limits named (quotaValue) become QuotaInfo. Classify by quotaId, never by the
 * delay: a per-day 429 still suggests a short retryDelay.
 */
function rateLimited(
  ctx: CallContext,
  message: string,
  sentence: string,
  qf: ErrorDetail | undefined,
  retryInfo: ErrorDetail | undefined,
): CallOutcome {
  const violations = (qf?.violations ?? []).filter((v) => v.quotaId || v.quotaMetric);
  const delay = retryInfo?.retryDelay ?? RETRY_IN.exec(message)?.[1];
  const retryAfterMs = delay !== undefined ? (parseGoDuration(delay) ?? undefined) : undefined;
  const base = { status: 429, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  if (ZERO_LIMIT.test(message) || violations.some((v) => v.quotaValue === '0')) {
    return failure(ctx, 'no_quota', `Gemini gives this key no quota for ${ctx.model} (limit: 0): ${firstLine(sentence)}`, base);
  }
  const daily = violations.find((v) => /PerDay/i.test(v.quotaId ?? ''));
  if (daily) return failure(ctx, 'daily_quota', message, { ...base, dimension: dimensionOf(daily) });
  const quota: QuotaInfo = {};
  for (const v of violations) {
    const limit = v.quotaValue !== undefined ? Number(v.quotaValue) : NaN;
    if (!Number.isFinite(limit)) continue;
    if (dimensionOf(v) === 'TPM') quota.limitTokens = limit;
    else quota.limitRequests = limit;
  }
  // Several per-minute quotas at once: tokens, when listed, is the one a smaller request relieves.
  const dims = violations.map(dimensionOf);
  const dimension = dims.includes('TPM') ? 'TPM' : dims[0];
  return failure(ctx, 'rate_limit', message, { ...base, ...(dimension && { dimension }), ...(Object.keys(quota).length > 0 && { quota }) });
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}
