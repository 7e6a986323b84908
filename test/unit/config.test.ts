// Configuration: every env var parses into its place, and every bad value is a ConfigError naming its variable.
import { describe, expect, it } from 'vitest';
import { configFromEnv, ENV_VARS } from '../../electron/app/config-env';
import { SEED_PROFILE } from '../../electron/planner/seed-profile';
import { applyConfigPatch, ConfigError, DEFAULT_CONFIG, engineConfigSchema, type EngineConfig } from '../../shared/config';

function at(cfg: EngineConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], cfg);
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** A valid raw value for each env var, and what it must become. */
function sample(v: (typeof ENV_VARS)[number]): { raw: string; value: unknown } {
  const current = at(DEFAULT_CONFIG, v.path);
  switch (v.parse) {
    case 'bool':
      return { raw: current ? 'false' : 'true', value: !current };
    case 'auto':
      return { raw: '7', value: 7 };
    case 'seconds':
      return { raw: '42.5', value: 42_500 };
    case 'int':
      return { raw: String(Number(current) + 1), value: Number(current) + 1 };
    case 'number':
      if (v.name === 'STAGGER_MIN_MS') return { raw: '50', value: 50 };
      if (v.name.endsWith('_JITTER_MIN')) return { raw: '0.95', value: 0.95 };
      if (v.name.endsWith('_JITTER_MAX')) return { raw: '1.7', value: 1.7 };
      if (v.name.includes('SAFETY') || (v.name.includes('THRESHOLD') && !v.name.startsWith('ACCEPT'))) return { raw: '0.5', value: 0.5 };
      return { raw: String(Number(current) + 3), value: Number(current) + 3 };
    case 'string':
      return { raw: 'http://127.0.0.1:9', value: 'http://127.0.0.1:9' };
    case 'order':
      return { raw: 'GROQ, gemini', value: ['groq', 'gemini'] };
    case 'mode':
      return { raw: 'Minimal', value: 'minimal' };
  }
}

describe('configFromEnv', () => {
  it('the defaults and the seed profile are valid', () => {
    expect(engineConfigSchema.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(engineConfigSchema.parse(SEED_PROFILE)).toEqual(SEED_PROFILE);
    expect(configFromEnv({})).toEqual(DEFAULT_CONFIG);
  });

  it.each(ENV_VARS.map((v) => [v.name, v] as const))('parses %s into its place', (_name, v) => {
    const { raw, value } = sample(v);
    const cfg = configFromEnv({ [v.name]: raw });
    expect(at(cfg, v.path)).toEqual(value);
    // Nothing else moved.
    const back = configFromEnv({});
    for (const other of ENV_VARS) if (other.path !== v.path) expect(at(cfg, other.path)).toEqual(at(back, other.path));
  });

  it('reads the seed names: unset concurrency and workers mean auto', () => {
    const cfg = configFromEnv({ GEMINI_MAX_CONCURRENT: '', DEFAULT_MAX_WORKERS: 'auto', GEMINI_RPM_LIMIT: '150', RATE_LIMIT_SAFETY_FACTOR: '0.9' });
    expect(cfg.providers.gemini.maxConcurrent).toBe('auto');
    expect(cfg.maxWorkers).toBe('auto');
    expect(configFromEnv({ GEMINI_CIRCUIT_BREAKER_WINDOW: '120' }).providers.gemini.breaker.windowMs).toBe(120_000);
  });

  it.each([
    [{ GEMINI_RPM_LIMIT: '-5' }, 'GEMINI_RPM_LIMIT'],
    [{ GEMINI_RPM_LIMIT: 'fast' }, 'GEMINI_RPM_LIMIT'],
    [{ GROQ_CIRCUIT_BREAKER_THRESHOLD: '1.5' }, 'GROQ_CIRCUIT_BREAKER_THRESHOLD'],
    [{ RATE_LIMIT_SAFETY_FACTOR: '0' }, 'RATE_LIMIT_SAFETY_FACTOR'],
    [{ GEMINI_MAX_CONCURRENT: '0' }, 'GEMINI_MAX_CONCURRENT'],
    [{ GEMINI_MAX_CONCURRENT: '2.5' }, 'GEMINI_MAX_CONCURRENT'],
    [{ GEMINI_JITTER_ENABLED: 'maybe' }, 'GEMINI_JITTER_ENABLED'],
    [{ GEMINI_JITTER_MAX: '0.5' }, 'GEMINI_JITTER_MAX'], // below the default min: the cross-field check names it
    [{ STAGGER_MIN_MS: '900' }, 'STAGGER_MIN_MS'],
    [{ MAX_API_CALLS_PER_SUBMISSION: '2.5' }, 'MAX_API_CALLS_PER_SUBMISSION'],
    [{ PROVIDER_ORDER: 'gemini,openai' }, 'PROVIDER_ORDER'],
    [{ PROVIDER_ORDER: 'gemini,gemini' }, 'PROVIDER_ORDER'],
    [{ EVALUATION_MODE: 'fast' }, 'EVALUATION_MODE'],
    [{ PHASH_THRESHOLD: '65' }, 'PHASH_THRESHOLD'],
    [{ GEMINI_RPM: '100' }, 'GEMINI_RPM'],
    [{ GROQ_JITTER: 'on' }, 'GROQ_JITTER'],
  ])('%o is a ConfigError naming %s', (env, name) => {
    const e = errorOf(() => configFromEnv(env));
    expect(e.key).toBe(name);
    expect(e.message.startsWith(`${name}: `)).toBe(true);
  });

  it('lets our other variables and unrelated ones pass', () => {
    expect(() => configFromEnv({ GEMINI_API_KEY: 'k', GROQ_API_KEY: 'k', PATH: '/bin', HOME: '/h' })).not.toThrow();
  });
});

describe('applyConfigPatch', () => {
  it('applies a deep partial and leaves the input untouched', () => {
    const next = applyConfigPatch(DEFAULT_CONFIG, {
      providers: { groq: { rpm: 30, breaker: { threshold: 0.5 } } },
      providerOrder: ['groq', 'gemini'],
    });
    expect(next.providers.groq.rpm).toBe(30);
    expect(next.providers.groq.breaker).toEqual({ ...DEFAULT_CONFIG.providers.groq.breaker, threshold: 0.5 });
    expect(next.providerOrder).toEqual(['groq', 'gemini']);
    expect(DEFAULT_CONFIG.providers.groq.rpm).toBe(25);
  });

  it.each([
    [{ providers: { gemini: { rpm: -1 } } }, 'providers.gemini.rpm'],
    [{ providers: { gemini: { breaker: { threshold: 1.2 } } } }, 'providers.gemini.breaker.threshold'],
    [{ providers: { gemini: { turbo: true } } }, 'providers.gemini.turbo'],
    [{ colour: 'red' }, 'colour'],
    [JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__'],
    [{ retry: { maxAttempts: 4 } }, 'retry.maxAttempts'],
    [{ stagger: { minMs: 600 } }, 'stagger.minMs'],
  ])('%o is a ConfigError naming %s', (patch, key) => {
    expect(errorOf(() => applyConfigPatch(DEFAULT_CONFIG, patch)).key).toBe(key);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
