// Build the provider adapters from the config and the keys: a provider without a key gets no adapter (the
// router skips it). In simulated mode every provider talks to the in-process simulator with a sim- key.
import type { EngineConfig, ProviderConfig } from '../../shared/config';
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider';
import type { ProviderAdapter } from '../engine/adapter';
import type { Clock } from '../engine/clock';
import type { ProviderClientOptions } from '../providers/client-options';
import { createGeminiAdapter } from '../providers/gemini';
import { createGroqAdapter } from '../providers/groq';

export const SIMULATED_KEY = 'sim-local';

export type ProviderKeys = Partial<Record<ProviderId, string>>;

/** A client of one provider's settings: the simulator's address, where there is one, replaces the configured endpoint. */
export function clientOptions(c: ProviderConfig, apiKey: string, simulatorUrl: string | null, clock: Clock): ProviderClientOptions {
  const baseUrl = simulatorUrl ?? c.baseUrl;
  return { apiKey, textModel: c.textModel, visionModel: c.visionModel, timeoutMs: c.timeoutMs, clock, ...(baseUrl ? { baseUrl } : {}) };
}

export function buildAdapter(
  p: ProviderId,
  config: EngineConfig,
  key: string | undefined,
  simulatorUrl: string | null,
  clock: Clock,
): ProviderAdapter | undefined {
  const c = config.providers[p];
  if (!c.enabled) return undefined;
  const apiKey = simulatorUrl ? SIMULATED_KEY : key;
  if (!apiKey) return undefined;
  const common = clientOptions(c, apiKey, simulatorUrl, clock);
  return p === 'gemini'
    ? createGeminiAdapter({ ...common, ...(c.thinkingBudget !== undefined && { thinkingBudget: c.thinkingBudget }) })
    : createGroqAdapter(common);
}

export function buildAdapters(
  config: EngineConfig,
  keys: ProviderKeys,
  simulatorUrl: string | null,
  clock: Clock,
): Partial<Record<ProviderId, ProviderAdapter>> {
  const out: Partial<Record<ProviderId, ProviderAdapter>> = {};
  for (const p of PROVIDER_IDS) {
    const a = buildAdapter(p, config, keys[p], simulatorUrl, clock);
    if (a) out[p] = a;
  }
  return out;
}

/** Adapter settings fixed at construction: a change to any of them needs a new adapter. */
export function adapterSettingsChanged(before: EngineConfig, after: EngineConfig, p: ProviderId): boolean {
  const a = before.providers[p];
  const b = after.providers[p];
  return (
    a.textModel !== b.textModel ||
    a.visionModel !== b.visionModel ||
    a.timeoutMs !== b.timeoutMs ||
    a.baseUrl !== b.baseUrl ||
    a.enabled !== b.enabled ||
    a.thinkingBudget !== b.thinkingBudget
  );
}
