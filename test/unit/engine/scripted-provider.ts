// The outside world for engine tests: a provider adapter on virtual time whose server side answers from a script
// (then succeeds), and logs every request it received.
import type { ProviderAdapter } from '../../../electron/engine/adapter';
import type { Clock } from '../../../electron/engine/clock';
import { DEFAULT_CONFIG, modelFor } from '../../../shared/config';
import type { CallFailure, CallKind, CallOutcome, LlmRequest, ProviderId } from '../../../shared/provider';

export type Scripted = Partial<Omit<CallFailure, 'ok' | 'provider' | 'model' | 'latencyMs'>> & { kind: CallFailure['kind'] };

export class ScriptedProvider implements ProviderAdapter {
  readonly log: { at: number; kind: CallKind }[] = [];
  script: Scripted[] = [];
  /** When set, every call fails like this (an outage). */
  always: Scripted | null = null;
  supportsPdf = true;

  constructor(
    readonly id: ProviderId,
    private readonly clock: Clock,
    public latencyMs = 1_000,
    public tokens = 100,
  ) {}

  modelFor(kind: CallKind): string {
    return modelFor(DEFAULT_CONFIG.providers[this.id], kind);
  }
  supports(req: LlmRequest): boolean {
    return this.supportsPdf || !req.pdf;
  }
  estimateTokens(): number {
    return this.tokens;
  }
  async call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const model = this.modelFor(req.kind);
    this.log.push({ at: this.clock.now(), kind: req.kind });
    try {
      await this.clock.sleep(this.latencyMs, signal);
    } catch {
      return { ok: false, provider: this.id, model, kind: 'aborted', message: 'aborted', latencyMs: this.latencyMs };
    }
    const next = this.always ?? this.script.shift();
    if (next) return { ok: false, provider: this.id, model, message: next.kind, latencyMs: this.latencyMs, ...next };
    return {
      ok: true,
      provider: this.id,
      model,
      json: { verdict: 'pass', by: this.id },
      usage: { inputTokens: this.tokens, outputTokens: 10, totalTokens: this.tokens + 10 },
      latencyMs: this.latencyMs,
    };
  }
}

export function request(kind: CallKind = 'theme'): LlmRequest {
  return { kind, system: 's', prompt: 'p', schema: { type: 'object' }, maxOutputTokens: 100 };
}
