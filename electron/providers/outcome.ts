// Building CallOutcomes: shared by both adapters so success, malformed replies and failures look the same.
import type { CallFailure, CallOutcome, FailureKind, JsonSchema, ProviderId, QuotaInfo, Usage } from '../../shared/provider';
import { redactSecrets } from '../redact';
import { parseReply } from './schema-check';

export interface CallContext {
  provider: ProviderId;
  model: string;
  startedAt: number;
  now: () => number;
}

export function failure(ctx: CallContext, kind: FailureKind, message: string, extra: Partial<CallFailure> = {}): CallFailure {
  // Providers echo keys in error bodies ("API key not valid: …"): masked here, before anything keeps the message.
  const latencyMs = ctx.now() - ctx.startedAt;
  return { ok: false, provider: ctx.provider, model: ctx.model, kind, message: redactSecrets(message), latencyMs, ...extra };
}

/** A reply's text becomes success only when it is JSON that fits the schema; otherwise 'malformed', never a "NO". */
export function fromReplyText(ctx: CallContext, text: string, schema: JsonSchema, usage: Usage, quota?: QuotaInfo): CallOutcome {
  const parsed = parseReply(text, schema);
  if (!parsed.ok) return failure(ctx, 'malformed', parsed.problem, { usage, ...(quota && { quota }) });
  return {
    ok: true,
    provider: ctx.provider,
    model: ctx.model,
    json: parsed.json,
    usage,
    ...(quota && { quota }),
    latencyMs: ctx.now() - ctx.startedAt,
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
