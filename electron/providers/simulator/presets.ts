// The simulator's models and their published limits (docs/providers.md). Limits change over time, so they are data:
// a preset is only the starting point, and /__sim/quota changes them mid-run.
import type { ProviderId } from '../../../shared/provider';
import type { GeminiLimits } from './quota-gemini';
import type { GroqLimits } from './quota-groq';

export type PresetName = 'free' | 'tier1';
export const PRESET_NAMES: readonly PresetName[] = ['free', 'tier1'];

export const GEMINI_MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash'] as const;
export const GROQ_MODELS = ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile', 'meta-llama/llama-4-scout-17b-16e-instruct'] as const;
export const GROQ_VISION_MODELS: ReadonlySet<string> = new Set(['meta-llama/llama-4-scout-17b-16e-instruct']);

export interface Preset {
  gemini: Record<string, GeminiLimits>;
  groq: Record<string, GroqLimits>;
}

const UNLIMITED = 1e12;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  // Free tier as of the December 2025 cut (Flash: 20 requests per day), Groq's published free limits.
  free: {
    gemini: {
      'gemini-2.5-pro': { rpm: 2, tpm: 125_000, rpd: 50 },
      'gemini-2.5-flash': { rpm: 5, tpm: 250_000, rpd: 20 },
    },
    groq: {
      'llama-3.1-8b-instant': { rpm: 30, rpd: 14_400, tpm: 6_000, tpd: 500_000 },
      'llama-3.3-70b-versatile': { rpm: 30, rpd: 1_000, tpm: 12_000, tpd: 100_000 },
      'meta-llama/llama-4-scout-17b-16e-instruct': { rpm: 30, rpd: 1_000, tpm: 30_000, tpd: 500_000 },
    },
  },
  // Gemini tier 1 and Groq's developer tier (no token-per-day cap).
  tier1: {
    gemini: {
      'gemini-2.5-pro': { rpm: 150, tpm: 2_000_000, rpd: 10_000 },
      'gemini-2.5-flash': { rpm: 1_000, tpm: 1_000_000, rpd: 10_000 },
    },
    groq: {
      'llama-3.1-8b-instant': { rpm: 1_000, rpd: 500_000, tpm: 250_000, tpd: UNLIMITED },
      'llama-3.3-70b-versatile': { rpm: 1_000, rpd: 500_000, tpm: 300_000, tpd: UNLIMITED },
      'meta-llama/llama-4-scout-17b-16e-instruct': { rpm: 1_000, rpd: 500_000, tpm: 300_000, tpd: UNLIMITED },
    },
  },
};

/** Lognormal latency: median in ms and log-space sigma, before the time scale. */
export interface LatencyModel {
  medianMs: number;
  sigma: number;
}

/** Gemini 2.5 Pro ≈ 8 s with a PDF; Groq ≈ 0.5–2 s (docs/providers.md). */
export function latencyModel(provider: ProviderId, model: string, withAttachment: boolean): LatencyModel {
  if (provider === 'groq') return { medianMs: GROQ_VISION_MODELS.has(model) ? 1_500 : 800, sigma: 0.4 };
  if (model.includes('pro')) return { medianMs: withAttachment ? 8_000 : 4_000, sigma: 0.35 };
  return { medianMs: withAttachment ? 3_000 : 1_500, sigma: 0.35 };
}
