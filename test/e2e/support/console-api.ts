// A ValidatorApi for the console e2e, built from real parts: the real ingest preview (worker thread), real config
// validation, and real CircuitBreakers. The full flow (engine, batch runner, simulator) is in web-host-flow.test.ts.
import { EventEmitter } from 'node:events';
import { COMMAND_NAMES, type Alert, type AuditEntry, type EventName, type EventPayload, type ValidatorApi } from '../../../shared/api';
import { DEFAULT_CONFIG, applyConfigPatch, effective, type EngineConfig } from '../../../shared/config';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/provider';
import { DEFAULT_RULES } from '../../../shared/rules';
import type { ProviderSnapshot, Snapshot } from '../../../shared/telemetry';
import { previewBatch } from '../../../electron/batch/ingest';
import { CircuitBreaker, type BreakerTransition } from '../../../electron/engine/breaker';
import { RealClock } from '../../../electron/engine/clock';

export interface ConsoleApi {
  api: ValidatorApi;
  /** Publish snapshots every `ms` until stopped (the aggregator's job in the app). */
  startSnapshots(ms: number): void;
  stopSnapshots(): void;
  config(): EngineConfig;
  alerts(): readonly Alert[];
}

export function consoleApi(): ConsoleApi {
  const bus = new EventEmitter();
  const emit = <E extends EventName>(e: E, p: EventPayload<E>) => bus.emit(e, p);
  const clock = new RealClock();
  let config = DEFAULT_CONFIG;
  const audit: AuditEntry[] = [];
  const log = (action: string, target: string | null, before: unknown, after: unknown, reason?: string) => {
    const entry: AuditEntry = { id: audit.length + 1, at: clock.now(), actor: 'operator', action, target, before, after, reason: reason ?? null };
    audit.unshift(entry);
    emit('audit', entry);
  };
  const alerts: Alert[] = [];
  // As the app does: every transition is pushed, and an opening raises an alert that stays until acknowledged.
  const onTransition = (p: ProviderId) => (t: BreakerTransition) => {
    emit('breaker', { type: 'breaker_transition', at: clock.now(), provider: p, ...t });
    if (t.to !== 'open') return;
    const alert: Alert = { id: `a${alerts.length + 1}`, at: clock.now(), kind: 'breaker_open', provider: p, message: `${p} breaker opened: ${t.cause}`, acknowledgedAt: null };
    alerts.push(alert);
    emit('alert', alert);
  };
  const breakers = Object.fromEntries(PROVIDER_IDS.map((p) => [p, new CircuitBreaker(clock, config.providers[p].breaker, onTransition(p))])) as Record<
    ProviderId,
    CircuitBreaker
  >;

  const providerSnapshot = (p: ProviderId): ProviderSnapshot => {
    const c = config.providers[p];
    return {
      provider: p,
      breaker: breakers[p].snapshot(),
      rpm: 0,
      rpmLimit: effective(c.rpm, c.safetyFactor),
      tpm: 0,
      tpmLimit: effective(c.tpm, c.safetyFactor),
      rpdUsed: 0,
      rpdLimit: c.rpd,
      inFlight: 0,
      concurrencyLimit: c.maxConcurrent === 'auto' ? 4 : c.maxConcurrent,
      queued: 0,
      http429Last5m: 0,
      errorsLast5m: 0,
      exhaustedUntil: null,
      pausedUntil: null,
      misconfigured: null,
      hasKey: false,
      simulated: true,
      nextAdmissionAt: null,
      waitReasons: [],
      meanWaitMs: 0,
      p90LatencyMs: 0,
      jitterMean: 1,
    };
  };
  const snapshot = (): Snapshot => ({ at: clock.now(), providers: PROVIDER_IDS.map(providerSnapshot), batch: null });
  let timer: ReturnType<typeof setInterval> | undefined;

  const notHere = Object.fromEntries(
    COMMAND_NAMES.map((n) => [
      n,
      async () => {
        throw new Error(`${n} needs the engine (see web-host-flow.test.ts)`);
      },
    ]),
  ) as unknown as ValidatorApi;

  const api: ValidatorApi = {
    ...notHere,
    getSnapshot: async () => snapshot(),
    listAlerts: async ({ includeAcknowledged }) => alerts.filter((a) => includeAcknowledged || a.acknowledgedAt === null),
    async ackAlert({ id }) {
      const alert = alerts.find((a) => a.id === id);
      if (!alert) throw new Error(`no alert ${id}`);
      alert.acknowledgedAt = clock.now();
      return alert;
    },
    listRuns: async () => [],
    getConfig: async () => config,
    async updateConfig({ patch, reason }) {
      const before = config;
      config = applyConfigPatch(config, patch);
      for (const p of PROVIDER_IDS) breakers[p].setParams(config.providers[p].breaker);
      log('config_update', null, before, config, reason);
      return { before, after: config };
    },
    getRules: async () => [...DEFAULT_RULES],
    getKeyStatus: async () => ({ providers: PROVIDER_IDS.map((provider) => ({ provider, set: false })), simulated: true }),
    readAuditLog: async ({ offset, limit }) => ({ total: audit.length, entries: audit.slice(offset, offset + limit) }),
    async previewBatch({ file, attachments }) {
      if (file.kind !== 'path' || attachments?.kind === 'upload') throw new Error('the host must hand the Api paths only');
      return previewBatch(file.path, { attachmentsRoot: attachments?.path ?? null });
    },
    async resetBreaker({ provider, reason }) {
      const before = breakers[provider].state;
      breakers[provider].reset();
      log('breaker_reset', provider, before, breakers[provider].state, reason);
      return { provider, breaker: breakers[provider].snapshot(), message: `${provider} breaker closed` };
    },
    async forceOpenBreaker({ provider, reason }) {
      const before = breakers[provider].state;
      breakers[provider].forceOpen();
      log('breaker_force_open', provider, before, breakers[provider].state, reason);
      return { provider, breaker: breakers[provider].snapshot(), message: `${provider} breaker forced open` };
    },
    on(event, fn) {
      bus.on(event, fn as (p: unknown) => void);
      return () => bus.off(event, fn as (p: unknown) => void);
    },
  };

  return {
    api,
    startSnapshots(ms) {
      clearInterval(timer);
      timer = setInterval(() => emit('snapshot', snapshot()), ms);
    },
    stopSnapshots: () => clearInterval(timer),
    config: () => config,
    alerts: () => alerts,
  };
}
