// The port the engine calls a provider through; electron/providers/{gemini,groq}.ts implement it.
import type { CallKind, CallOutcome, LlmRequest, ProviderId } from '../../shared/provider';
/**
 * What the engine needs from a provider. Implemented by electron/providers/{gemini,groq}.ts.
 * `call` never throws: every failure comes back classified, so the router, limiter feedback and breaker can act on it.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  /** The model that serves this kind of call (vision model for images). */
  modelFor(kind: CallKind): string;
  /** Whether this provider can judge the request at all (e.g. Groq needs a PDF text layer). */
  supports(req: LlmRequest): boolean;
  /** Token cost estimate before the call: characters / 4, plus the provider's rules for images and PDFs. */
  estimateTokens(req: LlmRequest): number;
  call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome>;
}
