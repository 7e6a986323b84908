// The benchmark's outside world: provider adapters on virtual time whose server side enforces each provider's real
// quota model (the simulator's own pure quota arithmetic: Gemini's sliding minute, Groq's refilling buckets) and
// answers 429 when it is exceeded. Swap this module to benchmark against another server model.
import type { ProviderAdapter } from '../../electron/engine/adapter';
import type { Clock } from '../../electron/engine/clock';
import { lognormal, type Rng } from '../../electron/engine/rng';
import { parseGoDuration } from '../../electron/providers/go-duration';
import { GeminiQuota } from '../../electron/providers/simulator/quota-gemini';
import { GroqQuota } from '../../electron/providers/simulator/quota-groq';
import type { ProviderConfig } from '../../shared/config';
import type { CallKind, CallOutcome, LlmRequest, ProviderId, QuotaInfo } from '../../shared/provider';

/** Prompt tokens per call kind (theme prompt, PDF report, photos) and the reply size. */
const INPUT_TOKENS: Record<CallKind, number> = { theme: 1_200, pdf: 6_000, image: 2_500 };
const OUTPUT_TOKENS = 200;
/** A 429 comes back quickly: the server rejects before doing any work. */
const REJECT_MS = 150;

export interface LatencyModel {
  medianMs: number;
  sigma: number;
}

interface Server {
  admit(now: number, tokens: number): { ok: true } | { ok: false; dimension: 'RPM' | 'TPM' | 'RPD' | 'TPD'; retryMs: number };
  charge(now: number, tokens: number): void;
  quota(now: number): QuotaInfo | undefined;
}

function geminiServer(cfg: ProviderConfig, now: number): Server {
  const q = new GeminiQuota({ rpm: cfg.rpm, tpm: cfg.tpm, rpd: cfg.rpd }, now, 'paid');
  return {
    admit: (t, tokens) => {
      const r = q.admit(t, tokens);
      return r.ok ? r : { ok: false, dimension: r.dimension, retryMs: r.retryDelayMs };
    },
    charge: (t, tokens) => q.charge(t, tokens),
    quota: () => undefined, // Gemini sends no rate-limit headers
  };
}

function groqServer(cfg: ProviderConfig, now: number): Server {
  const q = new GroqQuota({ rpm: cfg.rpm, rpd: cfg.rpd, tpm: cfg.tpm, tpd: cfg.tpd || 1e12 }, now);
  return {
    admit: (t, tokens) => {
      const r = q.admit(t, tokens);
      return r.ok ? r : { ok: false, dimension: r.dimension, retryMs: r.waitMs };
    },
    charge: (t, tokens) => q.charge(t, tokens),
    quota: (t) => {
      const h = q.headers(t);
      return {
        limitRequests: Number(h['x-ratelimit-limit-requests']),
        limitTokens: Number(h['x-ratelimit-limit-tokens']),
        remainingRequests: Number(h['x-ratelimit-remaining-requests']),
        remainingTokens: Number(h['x-ratelimit-remaining-tokens']),
        resetRequestsMs: parseGoDuration(h['x-ratelimit-reset-requests'] ?? '') ?? undefined,
        resetTokensMs: parseGoDuration(h['x-ratelimit-reset-tokens'] ?? '') ?? undefined,
      };
    },
  };
}

export class ModelledProvider implements ProviderAdapter {
  private readonly servers = new Map<string, Server>();
  /** Every request the server saw, and the ones it rejected. */
  requests = 0;
  rejected = 0;

  constructor(
    readonly id: ProviderId,
    private readonly cfg: ProviderConfig,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly latency: LatencyModel,
  ) {}

  modelFor(kind: CallKind): string {
    return kind === 'image' ? this.cfg.visionModel : this.cfg.textModel;
  }
  supports(): boolean {
    return true;
  }
  estimateTokens(req: LlmRequest): number {
    // Gemini charges input tokens, Groq input + output: estimate what each server will count.
    return INPUT_TOKENS[req.kind] + (this.id === 'groq' ? req.maxOutputTokens : 0);
  }

  private server(model: string): Server {
    let s = this.servers.get(model);
    if (!s) {
      s = this.id === 'gemini' ? geminiServer(this.cfg, this.clock.now()) : groqServer(this.cfg, this.clock.now());
      this.servers.set(model, s);
    }
    return s;
  }

  async call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const model = this.modelFor(req.kind);
    const server = this.server(model);
    const now = this.clock.now();
    const input = INPUT_TOKENS[req.kind];
    const counted = this.id === 'groq' ? input + OUTPUT_TOKENS : input;
    this.requests++;
    const verdict = server.admit(now, counted);
    const wait = async (ms: number) => {
      try {
        await this.clock.sleep(ms, signal);
        return true;
      } catch {
        return false;
      }
    };
    if (!verdict.ok) {
      this.rejected++;
      const quota = server.quota(now);
      if (!(await wait(REJECT_MS))) return { ok: false, provider: this.id, model, kind: 'aborted', message: 'aborted', latencyMs: REJECT_MS };
      const daily = verdict.dimension === 'RPD' || verdict.dimension === 'TPD';
      return {
        ok: false,
        provider: this.id,
        model,
        kind: daily ? 'daily_quota' : 'rate_limit',
        status: 429,
        message: `quota exceeded: ${verdict.dimension}`,
        retryAfterMs: verdict.retryMs,
        dimension: verdict.dimension,
        quota,
        latencyMs: REJECT_MS,
      };
    }
    server.charge(now, counted);
    const ms = lognormal(this.rng, this.latency.medianMs, this.latency.sigma);
    if (!(await wait(ms))) return { ok: false, provider: this.id, model, kind: 'aborted', message: 'aborted', latencyMs: this.clock.now() - now };
    return {
      ok: true,
      provider: this.id,
      model,
      json: { verdict: 'pass' },
      usage: { inputTokens: input, outputTokens: OUTPUT_TOKENS, totalTokens: input + OUTPUT_TOKENS },
      quota: server.quota(this.clock.now()),
      latencyMs: ms,
    };
  }
}
