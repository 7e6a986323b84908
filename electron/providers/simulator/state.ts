// The simulator's mutable state: quotas per (key, model), scripted responses, outages, the request log.
import type { ProviderId } from '../../../shared/provider';
import type { Clock } from '../../engine/clock';
import { lognormal, type Rng } from '../../engine/rng';
import { faultDelivery } from './faults';
import { HeldRequests } from './held';
import { PRESETS, latencyModel, type PresetName } from './presets';
import { GeminiQuota, type GeminiLimits } from './quota-gemini';
import { GroqQuota, type GroqLimits } from './quota-groq';
import type { BurstSpec, HoldSpec, LogEntry, OutageSpec, QuotaSpec, ScriptedResponse, ScriptSpec, SimulatorControl } from './types';

interface Outage {
  provider: ProviderId;
  model?: string;
  until: number;
  status: 500 | 503;
}

export class SimState implements SimulatorControl {
  private scripts: Array<{ provider: ProviderId; model?: string; response: ScriptedResponse; left: number }> = [];
  private outages: Outage[] = [];
  private entries: LogEntry[] = [];
  private seq = 0;
  private geminiQuotas = new Map<string, GeminiQuota>();
  private groqQuotas = new Map<string, GroqQuota>();
  /** Limit changes that apply to every key, including keys first seen later. */
  private overrides = new Map<string, Partial<GeminiLimits & GroqLimits>>();
  /** Requests charged and not answered yet: what a burst answers. */
  readonly holding: HeldRequests;

  constructor(
    readonly clock: Clock,
    private readonly rng: Rng,
    readonly preset: PresetName,
    readonly timeScale: number,
    readonly acceptKey: (key: string) => boolean,
    /** Entries kept; requests carry their photos and PDFs, so a long demo run keeps only the latest. */
    private readonly logLimit: number,
  ) {
    this.holding = new HeldRequests(clock);
  }

  isModel(provider: ProviderId, model: string): boolean {
    return model in PRESETS[this.preset][provider];
  }
  models(provider: ProviderId): string[] {
    return Object.keys(PRESETS[this.preset][provider]);
  }

  geminiQuota(key: string, model: string): GeminiQuota {
    const id = `${key}\u0000${model}`;
    let q = this.geminiQuotas.get(id);
    if (!q) {
      const limits = { ...(PRESETS[this.preset].gemini[model] as GeminiLimits), ...this.overrides.get(`gemini\u0000${model}`) };
      q = new GeminiQuota(limits, this.clock.now(), this.preset === 'free' ? 'free' : 'paid');
      this.geminiQuotas.set(id, q);
    }
    return q;
  }

  groqQuota(key: string, model: string): GroqQuota {
    const id = `${key}\u0000${model}`;
    let q = this.groqQuotas.get(id);
    if (!q) {
      const limits = { ...(PRESETS[this.preset].groq[model] as GroqLimits), ...this.overrides.get(`groq\u0000${model}`) };
      q = new GroqQuota(limits, this.clock.now());
      this.groqQuotas.set(id, q);
    }
    return q;
  }

  /** Simulated model latency in real ms: lognormal, times the time scale. */
  latencyMs(provider: ProviderId, model: string, withAttachment: boolean): number {
    if (this.timeScale <= 0) return 0;
    const m = latencyModel(provider, model, withAttachment);
    return lognormal(this.rng, m.medianMs, m.sigma) * this.timeScale;
  }

  /** The next scripted response for this request, consumed. */
  takeScript(provider: ProviderId, model: string | null): ScriptedResponse | undefined {
    const i = this.scripts.findIndex((s) => s.provider === provider && (s.model === undefined || s.model === model));
    if (i < 0) return undefined;
    const s = this.scripts[i] as (typeof this.scripts)[number];
    if (--s.left <= 0) this.scripts.splice(i, 1);
    return s.response;
  }

  activeOutage(provider: ProviderId, model: string): Outage | undefined {
    const now = this.clock.now();
    this.outages = this.outages.filter((o) => o.until > now);
    return this.outages.find((o) => o.provider === provider && (o.model === undefined || o.model === model));
  }

  record(entry: Omit<LogEntry, 'seq' | 'at'>): LogEntry {
    const full: LogEntry = { seq: ++this.seq, at: this.clock.now(), ...entry };
    this.entries.push(full);
    if (this.entries.length > this.logLimit) this.entries.splice(0, this.entries.length - this.logLimit);
    return full;
  }

  // --- SimulatorControl ---

  script(spec: ScriptSpec): void {
    for (const response of spec.responses) {
      this.scripts.push({
        provider: spec.provider,
        ...(spec.model !== undefined && { model: spec.model }),
        response,
        left: Math.max(1, response.times ?? 1),
      });
    }
  }

  outage(spec: OutageSpec): void {
    this.outages.push({
      provider: spec.provider,
      ...(spec.model !== undefined && { model: spec.model }),
      until: this.clock.now() + spec.durationMs,
      status: spec.status ?? 503,
    });
  }

  setQuota(spec: QuotaSpec): void {
    const now = this.clock.now();
    if (!spec.key) {
      const id = `${spec.provider}\u0000${spec.model}`;
      this.overrides.set(id, { ...this.overrides.get(id), ...spec.limits });
    }
    const book = spec.provider === 'gemini' ? this.geminiQuotas : this.groqQuotas;
    for (const [id, q] of book) {
      const [key, model] = id.split('\u0000');
      if (model !== spec.model || (spec.key && key !== spec.key)) continue;
      if (q instanceof GeminiQuota) q.setLimits(spec.limits as Partial<GeminiLimits>);
      else q.setLimits(now, spec.limits as Partial<GroqLimits>);
    }
    if (spec.key) {
      // A key not seen yet gets its quota now, so the change applies from its first request.
      if (spec.provider === 'gemini') this.geminiQuota(spec.key, spec.model).setLimits(spec.limits as Partial<GeminiLimits>);
      else this.groqQuota(spec.key, spec.model).setLimits(now, spec.limits as Partial<GroqLimits>);
    }
  }

  hold(spec: HoldSpec): void {
    this.holding.hold(spec.provider, spec.model, spec.durationMs);
  }

  burst(spec: BurstSpec): number {
    return this.holding.burst(spec.provider, spec.model, (model) => faultDelivery(spec.provider, spec.fault, model));
  }

  held(): LogEntry[] {
    return this.holding.entries();
  }

  reset(): void {
    this.holding.reset();
    this.scripts = [];
    this.outages = [];
    this.entries = [];
    this.geminiQuotas.clear();
    this.groqQuotas.clear();
    this.overrides.clear();
  }

  log(): LogEntry[] {
    return [...this.entries];
  }

  clearLog(): void {
    this.entries = [];
  }
}

export function maskKey(key: string | null): string | null {
  return key === null ? null : key.length <= 8 ? key : `${key.slice(0, 8)}${'*'.repeat(Math.min(8, key.length - 8))}`;
}
