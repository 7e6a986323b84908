// The one typed configuration: schema, defaults, validation and live patches. The env var behind every knob is read
// on the Node side (electron/app/config-env.ts), so the renderer bundle carries no env table.
// Precedence: settings (UI) > env > defaults. Every error names the variable or key at fault.
import { z } from 'zod';
import { PROVIDER_IDS, type CallKind } from './provider';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const fraction = z.number().finite().gt(0).lte(1);
const auto = z.union([z.literal('auto'), z.number().int().positive()]);

const providerSchema = z
  .object({
    /** Model used for the theme and PDF calls, and the vision model for the image call. */
    textModel: z.string().min(1),
    visionModel: z.string().min(1),
    rpm: positive,
    tpm: positive,
    rpd: positive,
    /** Tokens per day; 0 where the provider enforces none (Gemini). */
    tpd: nonNegative,
    safetyFactor: fraction,
    maxConcurrent: auto,
    jitter: z
      .object({ enabled: z.boolean(), min: positive, max: positive })
      .strict()
      .refine((j) => j.min <= j.max, { message: 'jitter min must not exceed max', path: ['min'] }),
    breaker: z
      .object({
        threshold: fraction,
        windowMs: positive,
        cooldownMs: positive,
        minCalls: z.number().int().positive(),
        halfOpenProbes: z.number().int().positive(),
      })
      .strict(),
    /** AIMD: multiply the rate by this on an unexplained 429, add `increaseStep` of the limit after `cleanCallsToIncrease`. */
    aimd: z.object({ decrease: fraction, increaseStep: fraction, cleanCallsToIncrease: z.number().int().positive() }).strict(),
    timeoutMs: positive,
    baseUrl: z.string().optional(),
    enabled: z.boolean(),
    /** Thinking tokens a thinking model may spend per call; maxOutputTokens = this + the reply (docs/providers.md §3). */
    thinkingBudget: z.number().int().min(0).max(32_768).optional(),
  })
  .strict();

export const engineConfigSchema = z
  .object({
    providers: z.object({ gemini: providerSchema, groq: providerSchema }).strict(),
    /** Routing order; the first is primary. */
    providerOrder: z
      .array(z.enum(PROVIDER_IDS))
      .min(1)
      .refine((o) => new Set(o).size === o.length, { message: 'each provider may appear once' }),
    /** Send overflow to the fallback when the primary's queue is long (trades verdict quality for speed). */
    spillover: z.boolean(),
    maxCallsPerSubmission: z.number().int().positive(),
    retry: z.object({ maxAttempts: z.number().int().min(1).max(3), baseDelayMs: positive, maxDelayMs: positive }).strict(),
    maxWorkers: auto,
    stagger: z
      .object({ enabled: z.boolean(), minMs: nonNegative, maxMs: nonNegative })
      .strict()
      .refine((s) => s.minMs <= s.maxMs, { message: 'stagger min must not exceed max', path: ['minMs'] }),
    acceptanceThreshold: nonNegative,
    phashThreshold: z.number().int().min(0).max(64),
    /** full: evaluate every rule. minimal: skip calls once the status can't change. */
    evaluationMode: z.enum(['full', 'minimal']),
    allowUrlDownloads: z.boolean(),
    /** When no provider can answer, judge with the deterministic heuristic (marked "heuristic") instead of leaving rules undetermined. */
    heuristicFallback: z.boolean(),
    /** Minutes a call may wait ("park") for a provider that is down when the fallback can't take it; 0 = fall back at once. */
    parkMaxMinutes: nonNegative,
  })
  .strict();

export type EngineConfig = z.infer<typeof engineConfigSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;

/** The model that serves a kind of call: the vision model for photos, the text model otherwise. */
export function modelFor(models: Pick<ProviderConfig, 'textModel' | 'visionModel'>, kind: CallKind): string {
  return kind === 'image' ? models.visionModel : models.textModel;
}

const MINUTE = 60_000;

/** What both providers share by default: written once, so a change of one default reaches both. */
const JITTER = { enabled: false, min: 0.9, max: 1.6 };
const BREAKER = { threshold: 0.25, windowMs: 2 * MINUTE, cooldownMs: MINUTE, minCalls: 10, halfOpenProbes: 1 };
const AIMD = { decrease: 0.7, increaseStep: 0.05, cleanCallsToIncrease: 20 };

export const DEFAULT_CONFIG: EngineConfig = {
  providers: {
    gemini: {
      textModel: 'gemini-2.5-pro',
      visionModel: 'gemini-2.5-pro',
      rpm: 150,
      tpm: 2_000_000,
      rpd: 10_000,
      tpd: 0,
      safetyFactor: 0.9,
      maxConcurrent: 'auto',
      jitter: JITTER,
      breaker: BREAKER,
      aimd: AIMD,
      timeoutMs: 120_000,
      enabled: true,
      thinkingBudget: 1024,
    },
    groq: {
      textModel: 'llama-3.3-70b-versatile',
      visionModel: 'meta-llama/llama-4-scout-17b-16e-instruct',
      rpm: 25,
      tpm: 12_000,
      rpd: 1_000,
      tpd: 100_000,
      safetyFactor: 0.8,
      maxConcurrent: 'auto',
      jitter: JITTER,
      breaker: BREAKER,
      aimd: AIMD,
      timeoutMs: 60_000,
      enabled: true,
    },
  },
  providerOrder: ['gemini', 'groq'],
  spillover: false,
  maxCallsPerSubmission: 5,
  retry: { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  maxWorkers: 'auto',
  stagger: { enabled: true, minMs: 100, maxMs: 500 },
  acceptanceThreshold: 60,
  phashThreshold: 8,
  evaluationMode: 'full',
  allowUrlDownloads: false,
  heuristicFallback: false,
  parkMaxMinutes: 30,
};

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Map a zod issue path back to the env var (or settings key) that set it. */
function nameFor(path: PropertyKey[], fromEnv: ReadonlyMap<string, string>, crossField = false): string {
  const dotted = path.map(String).join('.');
  for (let i = path.length; i > 0; i--) {
    const prefix = path.slice(0, i).map(String).join('.');
    const env = fromEnv.get(prefix);
    if (env) return env;
  }
  // A cross-field check (min <= max) may fail on the field the env did not set: name the sibling that it did.
  const parent = path.slice(0, -1).map(String).join('.');
  if (crossField && parent) {
    for (const [p, env] of fromEnv) if (p.startsWith(`${parent}.`)) return env;
  }
  return dotted || '(config)';
}

/** Check a candidate config; a refusal names the env var that set the bad value (`fromEnv`: config path → name) or its key. */
export function validateConfig(candidate: unknown, fromEnv: ReadonlyMap<string, string>): EngineConfig {
  const parsed = engineConfigSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new ConfigError('(config)', 'invalid');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path;
  const message = keys.length > 0 ? 'unknown setting' : issue.message;
  throw new ConfigError(nameFor(path, fromEnv, issue.code === 'custom'), message);
}

/** A deep partial of the config, as sent by the settings screen. */
export type ConfigPatch = { [K in keyof EngineConfig]?: EngineConfig[K] extends object ? DeepPartial<EngineConfig[K]> : EngineConfig[K] };
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function merge(base: unknown, patch: unknown, path: string): unknown {
  if (patch === undefined) return base;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    throw new ConfigError(path || '(config)', 'unknown setting');
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    const p = path ? `${path}.${k}` : k;
    if (!Object.hasOwn(out, k)) throw new ConfigError(p, 'unknown setting'); // own keys only: no "__proto__"/"constructor"
    out[k] = merge(out[k], v, p);
  }
  return out;
}

/** Apply a live settings change; throws ConfigError naming the first bad key. */
export function applyConfigPatch(current: EngineConfig, patch: unknown): EngineConfig {
  return validateConfig(merge(current, patch, ''), new Map());
}

/** Effective limit after the safety factor. */
export function effective(limit: number, safetyFactor: number): number {
  return limit * safetyFactor;
}
