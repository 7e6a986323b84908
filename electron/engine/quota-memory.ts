// What the engine remembers of its quota across a restart (docs/engine-runtime.md "Restarts remember the quota"):
// every physical call with its start and charged tokens, and what a provider said it won't serve (a spent day, a
// rejected key, a model this key can't use) with its expiry. The engine never reaches the store itself: the app
// binds this port to the SQLite file and to the current API key; without it (bench, planner, tests) nothing is kept.
import { createHash } from 'node:crypto';
import type { ProviderId } from '../../shared/provider';

/** How stored quota names an API key (the shared store's keys and the SQLite rows alike): a hash, never the key. */
export function keyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

/**
 * One stored physical call as a restart counts it: from when its answer came (the server counted it somewhere between
 * the start and the answer), or from the restart itself for a call still unanswered; with the tokens its provider
 * counts (the estimate until it settled).
 */
export interface SeedCharge {
  at: number;
  tokens: number;
}

/** A provider's refusal that outlives the process. `model` '' is the whole provider; `until` null: until the key changes. */
export interface QuotaBlock {
  kind: 'exhausted' | 'misconfigured' | 'unavailable';
  model: string;
  reason: string;
  until: number | null;
}

export interface QuotaMemory {
  /** The calls of (provider, current key, model) that started at or after `since`, as of `now`, oldest first. */
  recall(provider: ProviderId, model: string, since: number, now: number): SeedCharge[];
  /** A physical call was sent; the handle records its answer (null: not kept). */
  started(provider: ProviderId, model: string, at: number, tokens: number): number | null;
  /** Its answer came at `at`; `tokens` the provider reported, or null to keep the estimate. */
  answered(handle: number, at: number, tokens: number | null): void;
  /** The blocks stored for the provider's current key. */
  blocks(provider: ProviderId): QuotaBlock[];
  remember(provider: ProviderId, block: QuotaBlock): void;
  /** A new key or new model settings: what the provider refused before may work now (any key's). */
  forgetRefusals(provider: ProviderId): void;
}

/** How far back a restart looks: a Gemini calendar day is at most 25 h long (DST), Groq's rolling day 24 h. */
export const SEED_LOOKBACK_MS = 26 * 60 * 60_000;
