// A provider's outside world for the run planner, the benchmark and the reliability soak: an adapter on the injected clock whose
// server side enforces the provider's real quota model (the simulator's own pure quota arithmetic: Gemini's sliding
// minute, Groq's refilling buckets) and answers 429 when it is exceeded. Scripted faults (outages, 429 storms,
// 5xx bursts, malformed replies), quota cuts and per-kind token sizes are options, and every request the server
// sees is logged with its time and verdict, so callers can assert what really reached the provider.
import type { ProviderAdapter } from '../engine/adapter';
import type { Clock } from '../engine/clock';
import { lognormal, type Rng } from '../engine/rng';
import { parseGoDuration } from '../providers/go-duration';
import { GeminiQuota, type GeminiLimits } from '../providers/simulator/quota-gemini';
import { GroqQuota, type GroqLimits } from '../providers/simulator/quota-groq';
import { modelFor, type ProviderConfig } from '../../shared/config';
import type { CallFailure, CallKind, CallOutcome, FailureKind, LlmRequest, ProviderId, QuotaDimension, QuotaInfo } from '../../shared/provider';

/** Prompt tokens per call kind (theme prompt, PDF report, photos) and the reply size. */
export const INPUT_TOKENS: Record<CallKind, number> = { theme: 1_200, pdf: 6_000, image: 2_500 };
const OUTPUT_TOKENS = 200;
/** A 429 or an error comes back quickly: the server rejects before doing any work. */
const REJECT_MS = 150;

export interface LatencyModel {
  medianMs: number;
  sigma: number;
}

/** A span of server time (ms from the first request the provider saw) during which a share of requests fail with `kind`. */
export interface FaultWindow {
  fromMs: number;
  toMs: number;
  kind: Extract<FailureKind, 'rate_limit' | 'overloaded' | 'server' | 'malformed'>;
  /** Share of requests hit, 1 by default. */
  rate?: number;
}

/** Server-side limits that differ from the client's config (e.g. a low daily quota), and cuts at a time. */
export interface ServerPlan {
  limits?: Partial<GeminiLimits & GroqLimits>;
  /** At `atMs` after the first request, multiply the per-minute limits by `factor`. */
  cut?: { atMs: number; factor: number };
  faults?: FaultWindow[];
  tokens?: Partial<Record<CallKind, number>>;
  /** Tokens this server counts for one request (the planner's per-submission estimates); overrides `tokens`. */
  tokensOf?: (req: LlmRequest) => number | undefined;
}

/** One latency model for every call, or one per model and call kind (the planner's learned distributions). */
export type LatencySource = LatencyModel | ((model: string, kind: CallKind) => LatencyModel);

export interface ServerLogEntry {
  at: number;
  model: string;
  kind: CallKind;
  verdict: 'ok' | 'rejected' | 'fault';
  dimension?: QuotaDimension;
  /** The per-minute request limit the server enforced at that moment. */
  rpmLimit: number;
}

interface Server {
  admit(now: number, tokens: number): { ok: true } | { ok: false; dimension: QuotaDimension; retryMs: number; quota?: QuotaInfo };
  charge(now: number, tokens: number): void;
  quota(now: number): QuotaInfo | undefined;
  cut(now: number, factor: number): void;
  rpm(): number;
}

function geminiServer(cfg: ProviderConfig, now: number, over: ServerPlan['limits']): Server {
  const q = new GeminiQuota({ rpm: cfg.rpm, tpm: cfg.tpm, rpd: cfg.rpd, ...pick(over, ['rpm', 'tpm', 'rpd']) }, now, 'paid');
  return {
    admit: (t, tokens) => {
      const r = q.admit(t, tokens);
      // The real adapter reads QuotaFailure.quotaValue into the failure's quota, so the model does too.
      const quota = r.ok ? undefined : r.dimension === 'TPM' ? { limitTokens: r.limit } : { limitRequests: r.limit };
      return r.ok ? r : { ok: false, dimension: r.dimension, retryMs: r.retryDelayMs, quota };
    },
    charge: (t, tokens) => q.charge(t, tokens),
    quota: () => undefined, // Gemini sends no rate-limit headers
    cut: (_t, f) => {
      const l = q.limits();
      q.setLimits({ rpm: l.rpm * f, tpm: l.tpm * f });
    },
    rpm: () => q.limits().rpm,
  };
}

function groqServer(cfg: ProviderConfig, now: number, over: ServerPlan['limits']): Server {
  const q = new GroqQuota({ rpm: cfg.rpm, rpd: cfg.rpd, tpm: cfg.tpm, tpd: cfg.tpd || 1e12, ...pick(over, ['rpm', 'rpd', 'tpm', 'tpd']) }, now);
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
    cut: (t, f) => {
      const l = q.limits();
      q.setLimits(t, { rpm: l.rpm * f, tpm: l.tpm * f });
    },
    rpm: () => q.limits().rpm,
  };
}

function pick<T extends object>(o: T | undefined, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o?.[k] !== undefined) out[k] = o[k];
  return out;
}

export class ModelledProvider implements ProviderAdapter {
  private readonly servers = new Map<string, Server>();
  /** Server time starts with the first request: a fallback's faults hit when it is actually in use. */
  private startedAt: number | null = null;
  private cutDone = false;
  /** Every request the server saw, and the ones it rejected. */
  requests = 0;
  rejected = 0;
  readonly log: ServerLogEntry[] = [];

  constructor(
    readonly id: ProviderId,
    private readonly cfg: ProviderConfig,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly latency: LatencySource,
    private readonly plan: ServerPlan = {},
  ) {}

  modelFor(kind: CallKind): string {
    return modelFor(this.cfg, kind);
  }
  supports(): boolean {
    return true;
  }
  private input(kind: CallKind): number {
    return this.plan.tokens?.[kind] ?? INPUT_TOKENS[kind];
  }
  estimateTokens(req: LlmRequest): number {
    // Gemini charges input tokens, Groq input + output: estimate what each server will count.
    return this.plan.tokensOf?.(req) ?? this.input(req.kind) + (this.id === 'groq' ? req.maxOutputTokens : 0);
  }
  private latencyFor(model: string, kind: CallKind): LatencyModel {
    return typeof this.latency === 'function' ? this.latency(model, kind) : this.latency;
  }

  private server(model: string): Server {
    let s = this.servers.get(model);
    if (!s) {
      const now = this.clock.now();
      s = this.id === 'gemini' ? geminiServer(this.cfg, now, this.plan.limits) : groqServer(this.cfg, now, this.plan.limits);
      if (this.cutDone && this.plan.cut) s.cut(now, this.plan.cut.factor);
      this.servers.set(model, s);
    }
    return s;
  }

  /** Apply a due quota cut to every model's server (once). */
  private applyCut(now: number): void {
    const cut = this.plan.cut;
    if (!cut || this.cutDone || now - (this.startedAt ?? now) < cut.atMs) return;
    this.cutDone = true;
    for (const s of this.servers.values()) s.cut(now, cut.factor);
  }

  private fault(now: number): FaultWindow | undefined {
    const t = now - (this.startedAt ?? now);
    const w = this.plan.faults?.find((f) => t >= f.fromMs && t < f.toMs);
    return w && (w.rate === undefined || this.rng.next() < w.rate) ? w : undefined;
  }

  async call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const model = this.modelFor(req.kind);
    const now = this.clock.now();
    this.startedAt ??= now;
    this.applyCut(now);
    const server = this.server(model);
    const exact = this.plan.tokensOf?.(req);
    const input = exact ?? this.input(req.kind);
    const counted = exact ?? (this.id === 'groq' ? input + OUTPUT_TOKENS : input);
    this.requests++;
    const wait = async (ms: number) => {
      try {
        await this.clock.sleep(ms, signal);
        return true;
      } catch {
        return false;
      }
    };
    const aborted = (): CallFailure => ({
      ok: false,
      provider: this.id,
      model,
      kind: 'aborted',
      message: 'aborted',
      latencyMs: this.clock.now() - now,
    });
    const entry: ServerLogEntry = { at: now, model, kind: req.kind, verdict: 'ok', rpmLimit: server.rpm() };
    this.log.push(entry);

    const fault = this.fault(now);
    if (fault && fault.kind !== 'malformed') {
      // A scripted 429 storm or 5xx burst: rejected up front, nothing charged.
      entry.verdict = 'fault';
      if (!(await wait(REJECT_MS))) return aborted();
      const rate = fault.kind === 'rate_limit';
      return {
        ok: false,
        provider: this.id,
        model,
        kind: fault.kind,
        status: rate ? 429 : fault.kind === 'overloaded' ? 503 : 500,
        message: `scripted ${fault.kind}`,
        ...(rate && { retryAfterMs: 5_000 }),
        latencyMs: REJECT_MS,
      };
    }
    const verdict = server.admit(now, counted);
    if (!verdict.ok) {
      this.rejected++;
      entry.verdict = 'rejected';
      entry.dimension = verdict.dimension;
      const quota = verdict.quota ?? server.quota(now);
      if (!(await wait(REJECT_MS))) return aborted();
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
    const lat = this.latencyFor(model, req.kind);
    const ms = lognormal(this.rng, lat.medianMs, lat.sigma);
    if (!(await wait(ms))) return aborted();
    const usage = { inputTokens: input, outputTokens: OUTPUT_TOKENS, totalTokens: input + OUTPUT_TOKENS };
    if (fault) {
      // Charged and answered, but the body is not the JSON the schema asks for.
      entry.verdict = 'fault';
      return { ok: false, provider: this.id, model, kind: 'malformed', message: 'scripted malformed reply', usage, latencyMs: ms };
    }
    return { ok: true, provider: this.id, model, json: { verdict: 'pass' }, usage, quota: server.quota(this.clock.now()), latencyMs: ms };
  }
}
