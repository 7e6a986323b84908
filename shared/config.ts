// The one typed configuration: defaults, the env var behind every knob, and validation.
// Precedence: settings (UI) > env > defaults. Every error names the variable or key at fault.
import { z } from 'zod';
import { PROVIDER_IDS, type CallKind, type ProviderId } from './provider';

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

/** The seed system's configuration, for benchmarks and comparison. */
export const SEED_PROFILE: EngineConfig = {
  ...DEFAULT_CONFIG,
  providers: {
    gemini: {
      ...DEFAULT_CONFIG.providers.gemini,
      maxConcurrent: 2,
      jitter: { ...JITTER, enabled: true },
      breaker: { ...BREAKER, threshold: 0.05 },
    },
    groq: {
      ...DEFAULT_CONFIG.providers.groq,
      maxConcurrent: 1,
      jitter: { ...JITTER, enabled: true },
      breaker: { ...BREAKER, threshold: 0.05 },
    },
  },
  maxWorkers: 6,
};

type EnvParse = 'number' | 'int' | 'bool' | 'seconds' | 'auto' | 'string' | 'order' | 'mode';

interface EnvVar {
  name: string;
  /** Dotted path into EngineConfig. */
  path: string;
  parse: EnvParse;
  description: string;
}

function providerVars(p: ProviderId): EnvVar[] {
  const P = p.toUpperCase();
  const base = `providers.${p}`;
  return [
    { name: `${P}_RPM_LIMIT`, path: `${base}.rpm`, parse: 'number', description: 'requests per minute' },
    { name: `${P}_TPM_LIMIT`, path: `${base}.tpm`, parse: 'number', description: 'tokens per minute' },
    { name: `${P}_RPD_LIMIT`, path: `${base}.rpd`, parse: 'number', description: 'requests per day' },
    {
      name: p === 'gemini' ? 'RATE_LIMIT_SAFETY_FACTOR' : 'GROQ_RATE_LIMIT_SAFETY_FACTOR',
      path: `${base}.safetyFactor`,
      parse: 'number',
      description: 'fraction of each limit the limiter may use',
    },
    { name: `${P}_MAX_CONCURRENT`, path: `${base}.maxConcurrent`, parse: 'auto', description: 'calls in flight (unset = auto)' },
    { name: `${P}_JITTER_ENABLED`, path: `${base}.jitter.enabled`, parse: 'bool', description: 'multiply limiter waits by U[min,max]' },
    { name: `${P}_JITTER_MIN`, path: `${base}.jitter.min`, parse: 'number', description: 'jitter lower multiplier' },
    { name: `${P}_JITTER_MAX`, path: `${base}.jitter.max`, parse: 'number', description: 'jitter upper multiplier' },
    { name: `${P}_CIRCUIT_BREAKER_THRESHOLD`, path: `${base}.breaker.threshold`, parse: 'number', description: 'error rate that opens the breaker' },
    { name: `${P}_CIRCUIT_BREAKER_WINDOW`, path: `${base}.breaker.windowMs`, parse: 'seconds', description: 'rolling window, seconds' },
    {
      name: `${P}_CIRCUIT_BREAKER_COOLDOWN`,
      path: `${base}.breaker.cooldownMs`,
      parse: 'seconds',
      description: 'open time before a half-open probe, seconds',
    },
    {
      name: `${P}_CIRCUIT_BREAKER_MIN_CALLS`,
      path: `${base}.breaker.minCalls`,
      parse: 'int',
      description: 'calls in the window before the breaker may open',
    },
    { name: `${P}_MODEL`, path: `${base}.textModel`, parse: 'string', description: 'model for theme and PDF calls' },
    { name: `${P}_VISION_MODEL`, path: `${base}.visionModel`, parse: 'string', description: 'model for the image call' },
    { name: `${P}_TIMEOUT`, path: `${base}.timeoutMs`, parse: 'seconds', description: 'per-call timeout, seconds' },
    { name: `${P}_BASE_URL`, path: `${base}.baseUrl`, parse: 'string', description: 'API base URL (default: the provider)' },
  ];
}

/** Every env var the engine reads, in README order. API keys are read by the key vault, not here. */
export const ENV_VARS: readonly EnvVar[] = [
  ...providerVars('gemini'),
  ...providerVars('groq'),
  { name: 'GROQ_TPD_LIMIT', path: 'providers.groq.tpd', parse: 'number', description: 'Groq tokens per day' },
  // Provider wire (docs/providers.md §3)
  {
    name: 'GEMINI_THINKING_BUDGET',
    path: 'providers.gemini.thinkingBudget',
    parse: 'int',
    description: 'thinking tokens per call on thinking models (2.5+); the output cap is this plus the reply',
  },
  { name: 'PROVIDER_ORDER', path: 'providerOrder', parse: 'order', description: 'comma list, primary first' },
  { name: 'SPILLOVER_ENABLED', path: 'spillover', parse: 'bool', description: 'overflow to the fallback when the primary queue is long' },
  { name: 'MAX_API_CALLS_PER_SUBMISSION', path: 'maxCallsPerSubmission', parse: 'int', description: 'physical calls budget per submission' },
  { name: 'DEFAULT_MAX_WORKERS', path: 'maxWorkers', parse: 'auto', description: 'submissions in flight (unset = auto)' },
  { name: 'STAGGER_ENABLED', path: 'stagger.enabled', parse: 'bool', description: 'random delay before a submission first call' },
  { name: 'STAGGER_MIN_MS', path: 'stagger.minMs', parse: 'number', description: 'stagger lower bound, ms' },
  { name: 'STAGGER_MAX_MS', path: 'stagger.maxMs', parse: 'number', description: 'stagger upper bound, ms' },
  { name: 'ACCEPTANCE_THRESHOLD', path: 'acceptanceThreshold', parse: 'number', description: 'score needed for Accepted' },
  { name: 'PHASH_THRESHOLD', path: 'phashThreshold', parse: 'int', description: 'max Hamming distance (bits) for similar photos' },
  { name: 'EVALUATION_MODE', path: 'evaluationMode', parse: 'mode', description: 'full or minimal calls' },
  { name: 'ALLOW_URL_DOWNLOADS', path: 'allowUrlDownloads', parse: 'bool', description: 'download http(s) attachments' },
  {
    name: 'HEURISTIC_FALLBACK',
    path: 'heuristicFallback',
    parse: 'bool',
    description: 'judge with the heuristic when no LLM can (else undetermined)',
  },
  {
    name: 'PARK_MAX_MINUTES',
    path: 'parkMaxMinutes',
    parse: 'number',
    description: 'minutes a call waits for a provider that is down (0 = no wait)',
  },
];

/** Env vars that are ours but not engine knobs, so the unknown-variable check lets them pass. */
export const OTHER_ENV_VARS = ['GEMINI_API_KEY', 'GROQ_API_KEY', 'CHROMIUM_PATH', 'SOAK_SCALE', 'REDIS_URL'];

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

function parseEnvValue(v: EnvVar, raw: string): unknown {
  const text = raw.trim();
  const fail = (what: string) => new ConfigError(v.name, `expected ${what}, got "${raw}"`);
  switch (v.parse) {
    case 'string':
      return text;
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      throw fail('true or false');
    case 'auto':
      if (text === '' || text.toLowerCase() === 'auto') return 'auto';
      if (!/^\d+$/.test(text)) throw fail('a positive whole number or "auto"');
      return Number(text);
    case 'order':
      return text.split(',').map((s) => s.trim().toLowerCase());
    case 'mode':
      return text.toLowerCase();
    case 'int':
      if (!/^-?\d+$/.test(text)) throw fail('a whole number');
      return Number(text);
    case 'number':
    case 'seconds': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw fail('a number');
      return v.parse === 'seconds' ? n * 1000 : n;
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (typeof next !== 'object' || next === null) throw new Error(`bad config path ${path}`);
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T; // the config is plain JSON data
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

function validate(candidate: unknown, fromEnv: ReadonlyMap<string, string>): EngineConfig {
  const parsed = engineConfigSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new ConfigError('(config)', 'invalid');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path;
  const message = keys.length > 0 ? 'unknown setting' : issue.message;
  throw new ConfigError(nameFor(path, fromEnv, issue.code === 'custom'), message);
}

/** Build the config from env (only the variables listed in ENV_VARS), over the defaults. */
export function configFromEnv(env: Record<string, string | undefined>, base: EngineConfig = DEFAULT_CONFIG): EngineConfig {
  const cfg = clone(base) as unknown as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  const known = new Set([...ENV_VARS.map((v) => v.name), ...OTHER_ENV_VARS]);
  for (const name of Object.keys(env)) {
    const ours = /^(GEMINI|GROQ)_/.test(name) && env[name] !== undefined;
    if (ours && !known.has(name)) throw new ConfigError(name, 'unknown variable (see the README configuration table)');
  }
  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (raw === undefined) continue;
    setPath(cfg, v.path, parseEnvValue(v, raw));
    fromEnv.set(v.path, v.name);
  }
  return validate(cfg, fromEnv);
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
  return validate(merge(current, patch, ''), new Map());
}

/** Effective limit after the safety factor. */
export function effective(limit: number, safetyFactor: number): number {
  return limit * safetyFactor;
}
