// What a provider client is built from, for a call adapter and for the connection check alike (docs/providers.md §8).
import type { Clock } from '../engine/clock';

export interface ProviderClientOptions {
  apiKey: string;
  /** The host root (each SDK appends its own path: /openai/v1/... for Groq); absent: the provider's own endpoint. */
  baseUrl?: string;
  textModel: string;
  visionModel: string;
  timeoutMs: number;
  clock?: Clock;
}
