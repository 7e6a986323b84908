// The simulator's control surface: scripted faults, outages, quota changes and the request log (docs/providers.md).
import type { ProviderId } from '../../../shared/provider';
import type { WireFault } from './faults';
import type { GeminiLimits } from './quota-gemini';
import type { GroqLimits } from './quota-groq';

/** One scripted response, served instead of the normal handling to the next matching request. */
export interface ScriptedResponse {
  /** A named real-wire fault (electron/providers/simulator/faults.ts); wins over status/body/reply. */
  fault?: WireFault;
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** The raw response body: an object is sent as JSON, a string as is. */
  body?: unknown;
  /** For a 200 without `body`: the model's reply inside the provider's normal envelope (object → JSON text, string → raw text). */
  reply?: unknown;
  /** Gemini only: the candidate's finishReason (e.g. "SAFETY" blocks the reply). */
  finishReason?: string;
  /** Gemini only: block the prompt (promptFeedback.blockReason, no candidates), e.g. "PROHIBITED_CONTENT". */
  blockReason?: string;
  /** Wait this long (ms, unscaled) before sending the headers. */
  delayMs?: number;
  /** Send half the body, then stall this long (ms, unscaled) before the rest. */
  stallMs?: number;
  /** Destroy the connection before the headers, or after half the body. */
  drop?: 'before-headers' | 'mid-body';
  /** Send a truncated, unparseable JSON body with a 200. */
  malformed?: boolean;
  /** Serve this entry this many times (default 1). */
  times?: number;
}

export interface ScriptSpec {
  provider: ProviderId;
  /** Only requests for this model; any model of the provider when absent. */
  model?: string;
  responses: ScriptedResponse[];
}

export interface OutageSpec {
  provider: ProviderId;
  model?: string;
  /** How long, from now on the simulator's clock. */
  durationMs: number;
  /** 503 (overloaded) by default; 500 for an internal error. */
  status?: 500 | 503;
}

export interface HoldSpec {
  provider: ProviderId;
  model?: string;
  /** How long, from now on the simulator's clock, requests wait before their headers unless a burst answers them. */
  durationMs: number;
}

export interface BurstSpec {
  provider: ProviderId;
  model?: string;
  /** What every request held at that moment is answered with, e.g. 'gemini-quota-bare'. */
  fault: WireFault;
}

export interface QuotaSpec {
  provider: ProviderId;
  model: string;
  /** One key's quota; every key's (and future keys') when absent. */
  key?: string;
  limits: Partial<GeminiLimits> | Partial<GroqLimits>;
}

export type LogOutcome = 'ok' | 'burst' | 'truncated' | 'scripted' | 'outage' | 'auth' | 'not_found' | 'rate_limited' | 'too_large' | 'bad_request';

export interface LogEntry {
  seq: number;
  /** Simulator clock, epoch ms. */
  at: number;
  provider: ProviderId;
  method: string;
  path: string;
  route: 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'chat.completions' | 'models' | 'unknown';
  model: string | null;
  /** The key with all but its first 8 characters masked. */
  key: string | null;
  status: number;
  outcome: LogOutcome;
  /** Which quota dimension rejected it, when one did. */
  dimension?: string;
  /** When it counted on the quota and the tokens it counted (Gemini input, Groq total): accepted requests only. */
  charged?: { at: number; tokens: number };
  /** The parsed JSON request body (images and PDFs included as sent). */
  request: unknown;
}

export interface SimulatorControl {
  script(spec: ScriptSpec): void;
  outage(spec: OutageSpec): void;
  setQuota(spec: QuotaSpec): void;
  /** Hold this provider's requests before their headers for a while (a stalled front end), until a burst. */
  hold(spec: HoldSpec): void;
  /** Answer every request of this provider held now (by a hold or its latency) with one fault, and end its holds; how many. */
  burst(spec: BurstSpec): number;
  /** The requests held now (charged, not answered yet), oldest first. */
  held(): LogEntry[];
  /** Clear scripts, outages, quota usage, quota changes and the log. */
  reset(): void;
  log(): LogEntry[];
  clearLog(): void;
}
