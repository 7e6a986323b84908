// The env var behind every engine knob and their parser: Node side only (the renderer never reads the environment).
// Precedence: settings (UI) > env > defaults (shared/config.ts); every error names the variable at fault.
import { DEFAULT_CONFIG, ConfigError, validateConfig, type EngineConfig } from '../../shared/config';
import type { ProviderId } from '../../shared/provider';

type EnvParse = 'number' | 'int' | 'bool' | 'seconds' | 'auto' | 'string' | 'order' | 'mode';

export interface EnvVar {
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
  return validateConfig(cfg, fromEnv);
}
