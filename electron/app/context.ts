// The running app behind every entry point (CLI, web host, Electron main): config, store, key vault,
// engine with its adapters, the snapshot aggregator, and — when no API key is set — the in-process
// provider simulator. One place decides "simulated", so every transport labels results the same way.
import { join } from 'node:path';
import { applyConfigPatch, type EngineConfig } from '../../shared/config';
import { configFromEnv } from './config-env';
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider';
import type { Snapshot } from '../../shared/telemetry';
import { clockFromEnv, type Clock } from '../engine/clock';
import { Engine } from '../engine/engine';
import { systemRng } from '../engine/rng';
import { keyHash } from '../engine/quota-memory';
import { connectSharedQuota, type SharedQuota } from '../engine/shared/shared-quota';
import { SnapshotAggregator } from '../engine/telemetry';
import { checkConnection, type ConnectionReport } from '../providers/connection-check';
import { startSimulator, type Simulator } from '../providers/simulator/server';
import { redisUrlFrom } from '../redis-url';
import { defaultDataDir } from '../store/data-dir';
import { FileKeyVault, resolveKey, type KeyVault } from '../store/file-key-vault';
import { openStore, type Store } from '../store/store';
import { adapterSettingsChanged, buildAdapter, buildAdapters, clientOptions, SIMULATED_KEY, type ProviderKeys } from './adapters';

/** The settings key under which live config edits are persisted (settings > env > defaults). */
export const CONFIG_SETTING_KEY = 'config';

export interface AppContextOptions {
  /** SQLite file; default `<data dir>/event-validator.db`. */
  dbFile?: string;
  /** Folder for the database and the key file; default the per-user data folder. */
  dataDir?: string;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** The Electron shell passes its safeStorage vault; headless entry points use the file vault. */
  vault?: KeyVault;
  /** Simulator speed in demo mode (1 = real latencies); env SIMULATOR_TIME_SCALE. */
  simulatorTimeScale?: number;
}

export interface AppContext {
  readonly engine: Engine;
  readonly store: Store;
  readonly clock: Clock;
  readonly vault: KeyVault;
  readonly aggregator: SnapshotAggregator;
  /** Set when no key is configured: every provider call goes to the in-process simulator. */
  readonly simulator: Simulator | null;
  readonly simulated: boolean;
  /** The shared stores' connection (REDIS_URL set), for the Instances view; null otherwise. */
  readonly sharedQuota: SharedQuota | null;
  /** Listeners for the aggregator's ~1 Hz snapshots. */
  onSnapshot(fn: (s: Snapshot) => void): () => void;
  /** Whether a key is configured for the provider (vault or env); never the key itself. */
  hasKey(p: ProviderId): boolean;
  /** Store or clear a key (null), then rebuild that provider's adapter. */
  setKey(p: ProviderId, key: string | null): void;
  /** Test connection: one cheap real request with the stored key (the simulator in demo mode). */
  checkConnection(p: ProviderId): Promise<ConnectionReport>;
  /** Apply, persist (audited) and return a live config change. */
  updateConfig(patch: unknown, reason?: string): { before: EngineConfig; after: EngineConfig };
  close(): Promise<void>;
}

function keysFrom(vault: KeyVault, env: Record<string, string | undefined>): ProviderKeys {
  const keys: ProviderKeys = {};
  for (const p of PROVIDER_IDS) {
    const k = resolveKey(vault, p, env);
    if (k) keys[p] = k;
  }
  return keys;
}

export async function openAppContext(opts: AppContextOptions = {}): Promise<AppContext> {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir ?? defaultDataDir(env);
  const clock = opts.clock ?? clockFromEnv(env);
  const vault = opts.vault ?? new FileKeyVault(dataDir);
  const store = openStore(opts.dbFile ?? join(dataDir, 'event-validator.db'));
  let shared: SharedQuota | null = null;
  try {
    const saved = store.getSetting(CONFIG_SETTING_KEY);
    const config = saved === undefined ? configFromEnv(env) : applyConfigPatch(configFromEnv(env), saved);
    const keys = keysFrom(vault, env);
    const simulated = Object.keys(keys).length === 0;
    const timeScale = opts.simulatorTimeScale ?? Number(env.SIMULATOR_TIME_SCALE ?? 1);
    const simulator = simulated ? await startSimulator({ preset: 'tier1', timeScale: Number.isFinite(timeScale) ? timeScale : 1 }) : null;
    const simUrl = simulator?.baseUrl ?? null;
    // REDIS_URL set: the quota of each (provider, key, model) is shared with every instance on that Redis (docs/scale-out.md).
    shared = env.REDIS_URL ? await connectSharedQuota(redisUrlFrom(env).toString()) : null;
    const sharedQuota = shared;
    const quotaStores = sharedQuota
      ? (p: ProviderId, model: string, dims: Parameters<SharedQuota['storeFor']>[3]) => {
          const key = keys[p];
          // Loud: a degraded shared quota is printed (CLI) and shown in the dashboard's wait reasons.
          return key ? sharedQuota.storeFor(p, key, model, dims, clock, (m) => m && console.error(`[${p} ${model}] ${m}`)) : undefined;
        }
      : undefined;
    const sharedProviders = sharedQuota
      ? (p: ProviderId) => {
          const key = keys[p];
          return key ? sharedQuota.providerFor(p, key, clock) : undefined;
        }
      : undefined;
    // Restarts remember the quota: each provider's calls and refusals are stored under its current key's hash. Not in
    // demo mode: the in-process simulator starts every process with a fresh quota, so there is nothing to remember.
    const hashes: Partial<Record<ProviderId, string>> = {};
    const rehash = (p: ProviderId) => {
      const k = simulated ? undefined : resolveKey(vault, p, env);
      if (k) hashes[p] = keyHash(k);
      else delete hashes[p];
    };
    PROVIDER_IDS.forEach(rehash);
    const quotaMemory = store.quotaMemory((p) => hashes[p] ?? null);
    const adapters = buildAdapters(config, keys, simUrl, clock);
    const engine = new Engine({ config, clock, rng: systemRng, adapters, simulated, quotaStores, quotaMemory, sharedProviders });
    const listeners = new Set<(s: Snapshot) => void>();
    const aggregator = new SnapshotAggregator({
      clock,
      events: engine.events,
      providers: () => engine.providerSnapshots(),
      publish: (s) => listeners.forEach((fn) => fn(s)),
    });
    aggregator.start();
    return {
      engine,
      store,
      clock,
      vault,
      aggregator,
      simulator,
      simulated,
      sharedQuota,
      onSnapshot(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      hasKey: (p) => resolveKey(vault, p, env) !== undefined,
      setKey(p, key) {
        if (key === null) vault.clear(p);
        else vault.set(p, key);
        // A key set while simulated takes effect on the next start: mixing real and simulated providers
        // in one run would mislabel results.
        if (simulated) return;
        rehash(p);
        engine.setAdapter(p, buildAdapter(p, engine.config, resolveKey(vault, p, env), null, clock));
      },
      async checkConnection(p) {
        const c = engine.config.providers[p];
        const apiKey = simulated ? SIMULATED_KEY : resolveKey(vault, p, env);
        if (!apiKey) return noKeyReport(p);
        return checkConnection(p, clientOptions(c, apiKey, simUrl, clock));
      },
      updateConfig(patch, reason) {
        const diff = engine.updateConfig(patch);
        const previous = store.getSetting(CONFIG_SETTING_KEY);
        store.setSetting(CONFIG_SETTING_KEY, mergePatch(previous, patch), { actor: 'operator', reason: reason ?? 'live config change' });
        for (const p of PROVIDER_IDS) {
          if (adapterSettingsChanged(diff.before, diff.after, p)) {
            engine.setAdapter(p, buildAdapter(p, diff.after, simulated ? undefined : resolveKey(vault, p, env), simUrl, clock));
          }
        }
        return diff;
      },
      async close() {
        aggregator.stop();
        await simulator?.close();
        await shared?.close();
        store.close();
      },
    };
  } catch (err) {
    await shared?.close();
    store.close();
    throw err;
  }
}

/** Saved settings are the accumulated patches, so env changes still show through untouched knobs. */
function mergePatch(base: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) out[k] = mergePatch(out[k], v);
  return out;
}

function noKeyReport(p: ProviderId): ConnectionReport {
  const problem = `no ${p === 'gemini' ? 'Gemini' : 'Groq'} API key is set`;
  return { provider: p, keyOk: false, models: [], limits: null, problem, summary: [`Nothing to test: ${problem}.`] };
}
