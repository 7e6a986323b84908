// The provider-neutral shapes that adapters return and the engine consumes.
// Adapters (electron/providers) turn SDK results and errors into these; the engine never sees an SDK type.

export const PROVIDER_IDS = ['gemini', 'groq'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** The three logical LLM judgements of a submission (docs/domain.md §5). */
export const CALL_KINDS = ['theme', 'pdf', 'image'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** Who produced a verdict: a live provider, the heuristic judge, or the response cache. */
export type VerdictSource = ProviderId | 'heuristic' | 'cache';

/** A JSON schema in the subset both providers accept (Gemini responseSchema, Groq json_object + our validation). */
export interface JsonSchema {
  type: 'object' | 'string' | 'boolean' | 'integer' | 'number' | 'array';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  description?: string;
  /** The value may be null (Gemini `nullable`; e.g. a participant count the model can't tell). */
  nullable?: boolean;
}

/** One logical request, before routing. Bytes are already prepared (PDF raw, photos downscaled JPEG). */
export interface LlmRequest {
  kind: CallKind;
  system: string;
  prompt: string;
  schema: JsonSchema;
  /** The report: raw bytes for providers that read PDFs, extracted text for those that don't (null = no text layer). */
  pdf?: { bytes: Uint8Array; text: string | null; pages: number };
  /** Photos as JPEG bytes, at most 1024 px on the long side. */
  images?: Uint8Array[];
  maxOutputTokens: number;
}

export interface Usage {
  inputTokens: number;
  /** Reply tokens, thinking included (Gemini bills thoughtsTokenCount as output). */
  outputTokens: number;
  totalTokens: number;
  /** Of outputTokens, the part spent thinking (Gemini usageMetadata.thoughtsTokenCount). */
  thinkingTokens?: number;
}

/** Rate-limit dimensions a provider can enforce. */
export type QuotaDimension = 'RPM' | 'TPM' | 'RPD' | 'TPD';

/** What a response taught us about the server's view of our quota (Groq headers on every response). */
export interface QuotaInfo {
  limitRequests?: number;
  limitTokens?: number;
  remainingRequests?: number;
  remainingTokens?: number;
  /** Milliseconds from the response until the request / token window is fully reset. */
  resetRequestsMs?: number;
  resetTokensMs?: number;
}

export type FailureKind =
  | 'rate_limit' // per-minute 429: retryable after a delay
  | 'daily_quota' // per-day quota spent: never retried, provider exhausted until reset
  | 'overloaded' // 503
  | 'server' // other 5xx
  | 'timeout'
  | 'network' // connection refused/reset/dropped
  | 'auth' // 401/403 or invalid key: provider misconfigured
  | 'bad_request' // other 4xx caused by our request
  | 'not_found' // unknown model
  | 'too_large' // 413: the request can never fit
  | 'safety' // the provider blocked the prompt or stopped the reply (any finish/block reason but STOP and MAX_TOKENS)
  | 'malformed' // reply was not valid JSON for the schema
  | 'aborted' // cancelled by us
  | 'truncated' // the reply hit maxOutputTokens (Gemini MAX_TOKENS, thinking included): one retry with a larger budget
  | 'no_quota' // the key's tier has no quota for this model (429 with limit 0): the model is unavailable today
  | 'precondition'; // 400 FAILED_PRECONDITION (region, billing): the provider is misconfigured, like a bad key

export interface CallSuccess {
  ok: true;
  provider: ProviderId;
  model: string;
  json: unknown;
  usage: Usage;
  quota?: QuotaInfo;
  latencyMs: number;
  /**
   * The latest time by which the server had the request, measured by the client on the adapter's clock (the one the
   * engine runs on): when the response headers came, less the server's own time (Gemini's `Server-Timing: gfet4t7;
   * dur=…`). A time, not a duration from the adapter's start: the engine measures it from its own start, the instant
   * its quota charge was stamped. Absent when the server did not say (docs/engine.md §1, "Arrival").
   */
  arrivedBy?: number;
}

export interface CallFailure {
  ok: false;
  provider: ProviderId;
  model: string;
  kind: FailureKind;
  status?: number;
  message: string;
  /** The server's suggested wait (Gemini RetryInfo / "retry in", Groq retry-after / "try again in"). */
  retryAfterMs?: number;
  /** Which quota dimension tripped, when the provider said so. */
  dimension?: QuotaDimension;
  /** Partial usage/quota facts, e.g. Groq headers that arrive on a 429 too. */
  quota?: QuotaInfo;
  usage?: Usage;
  latencyMs: number;
  /** The adapter already spent this failure's one changed retry (a second truncation): resending cannot help. */
  final?: boolean;
  /** As on CallSuccess. */
  arrivedBy?: number;
}

export type CallOutcome = CallSuccess | CallFailure;

/** Failure kinds that count against a provider's health in the circuit breaker (docs/engine.md §4). */
export const BREAKER_ERROR_KINDS: ReadonlySet<FailureKind> = new Set(['rate_limit', 'overloaded', 'server', 'timeout', 'network']);

/** Failure kinds worth another attempt (docs/engine.md §5): never daily quota, auth or our own 4xx. */
export const RETRYABLE_KINDS: ReadonlySet<FailureKind> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'network',
  'malformed',
  'truncated',
]);

/**
 * Failure kinds that say the provider (or one model of it) can't serve this key at all: the engine stops calling it
 * instead of retrying (docs/providers.md §4). auth and precondition stop the whole provider; no_quota and
 * not_found stop the one model.
 */
export const MISCONFIGURED_KINDS: ReadonlySet<FailureKind> = new Set(['auth', 'precondition']);
export const MODEL_UNAVAILABLE_KINDS: ReadonlySet<FailureKind> = new Set(['no_quota', 'not_found']);
