// createApi: the ONE object of async functions and events behind every transport (Electron IPC, the web
// host, tests). Transports validate payloads against shared/api.ts; this object holds the business logic.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EventName, EventPayload, FileRef, ResultRow, RunSummary, ValidatorApi } from '../shared/api';
import { STATUSES, type RuleDefinition, type Status, type SubmissionResult } from '../shared/domain';
import { PROVIDER_IDS, type ProviderId } from '../shared/provider';
import type { BatchState } from '../shared/telemetry';
import { AlertTray } from './app/alerts';
import { auditTrail } from './app/audit-trail';
import { openAppContext, type AppContext, type AppContextOptions } from './app/context';
import { modelRate, modelRateWords } from './app/model-rate';
import { runHistoryEntry } from './app/run-history';
import { createRunEntry } from './app/run-entry';
import { submissionFromCells } from './app/submission-view';
import { TelemetryHistoryBuffer } from './app/telemetry-history';
import { exportRun } from './batch/export/export';
import { previewBatch } from './batch/ingest/ingest';
import type { BatchRun } from './batch/runner';
import { openFleetView } from './distributed/fleet-view';
import { createPlanCommands } from './planner/plan-commands';
import type { KeyVault } from './store/file-key-vault';
import type { RunRecord } from './store/runs';
import { SEPARATOR } from './validation/requirements';
import { REOPEN_PDF } from './validation/status';

export interface ApiOptions extends Omit<AppContextOptions, 'dataDir' | 'vault'> {
  /** Where the database, exports and key file live. */
  userDataDir: string;
  vault?: KeyVault;
}

export type ApiService = ValidatorApi & { close(): Promise<void> };

type Listener = (payload: never) => void;

function pathOf(ref: FileRef | null): string | null {
  if (ref === null) return null;
  if (ref.kind === 'upload') throw new Error('uploads are resolved to paths by the web host before they reach the app');
  return ref.path;
}

function countByStatus(results: readonly SubmissionResult[]): Record<Status, number> {
  const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of results) out[r.status]++;
  return out;
}

/** "PDF Validation: PDF file missing or could not be read (no file matched the report's name)": the lead note and its cause. */
function reopenReason(r: SubmissionResult): string | null {
  if (r.status !== 'Reopen') return null;
  const lead = r.requirementsNotMet.split(SEPARATOR)[0] || 'Reopen';
  const category = lead === REOPEN_PDF ? 'pdf' : 'image';
  const cause = r.rules.find((x) => x.category === category && x.verdict === 'skipped')?.reason;
  return cause ? `${lead} (${cause})` : lead;
}

function resultRow(runId: number, r: SubmissionResult, title: string | null, simulated: boolean): ResultRow {
  return {
    runId: String(runId),
    submissionId: r.submissionId,
    row: r.row,
    title,
    score: r.score,
    status: r.status,
    failedRules: r.rules.filter((x) => x.verdict === 'fail' || x.verdict === 'undetermined').map((x) => x.name),
    reopenReason: reopenReason(r),
    provider: r.provider,
    callsUsed: r.callsUsed,
    simulated,
  };
}

export async function createApi(opts: ApiOptions): Promise<ApiService> {
  const ctx: AppContext = await openAppContext({ ...opts, dataDir: opts.userDataDir, ...(opts.vault ? { vault: opts.vault } : {}) });
  const { engine, store, clock } = ctx;
  const listeners = new Map<EventName, Set<Listener>>();
  const history = new TelemetryHistoryBuffer();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    history.record(event, payload);
    for (const fn of listeners.get(event) ?? []) (fn as (p: EventPayload<E>) => void)(payload);
  };
  const audit = auditTrail(store, (entry) => emit('audit', entry));

  const alerts = new AlertTray(clock, (a) => emit('alert', a));
  const stopSnapshots = ctx.onSnapshot((s) => emit('snapshot', s));
  const stopEvents = engine.events.on((e) => {
    alerts.onEvent(e);
    if (e.type === 'breaker_transition') {
      emit('breaker', e);
      // A forced transition is the operator's own action, audited once by its command (one row per action).
      if (!e.forced) audit(`breaker ${e.to}`, e.provider, e.from, e.to, e.cause, 'engine');
    } else if (e.type === 'http_429') emit('http429', e);
  });

  let finishedHere = 0;
  const stopFinished = engine.events.on((e) => {
    if (e.type === 'submission_finished') finishedHere++;
  });
  const progress = (run: BatchRun) => emit('progress', run.tracker.snapshot());

  const titles = new Map<string, string | null>();
  const titleOf = (run: RunRecord, r: SubmissionResult, cells: readonly (string | null)[]) => {
    const key = `${run.id}:${r.submissionId}`;
    if (!titles.has(key)) titles.set(key, submissionFromCells(run.columns, cells, r.row).title);
    return titles.get(key) ?? null;
  };
  const runs = createRunEntry({
    deps: { engine, store, clock, aggregator: ctx.aggregator, simulated: ctx.simulated },
    audit,
    onProgress: progress,
    onResult: (run, r) => {
      const stored = store.result(run.runId, r.submissionId);
      emit('submission', resultRow(run.runId, r, stored ? titleOf(run.run, r, stored.cells) : null, run.run.simulated));
    },
  });
  const fleet = openFleetView({
    env: opts.env ?? process.env,
    clock,
    engine,
    counts: () => ({ active: runs.active() ? 1 : 0, finished: finishedHere }),
    shared: ctx.sharedQuota,
  });

  const runRecord = (runId: string): RunRecord => {
    const run = store.getRun(Number(runId));
    if (!run) throw new Error(`there is no run ${runId}`);
    return run;
  };

  /**
   * A stored "running" run with no live handle was interrupted (crash, kill, closed app) and can be resumed, unless
   * another live process holds its lock: then it is running, there.
   */
  const stateOf = (run: RunRecord, elsewhere: boolean): BatchState =>
    runs.get(run.id)?.state ?? (elsewhere ? 'running' : run.state === 'running' ? 'paused' : run.state);

  const summarize = (run: RunRecord, results: readonly SubmissionResult[]): RunSummary => {
    const owner = runs.get(run.id) !== undefined ? null : store.runOwner(run.id);
    return {
      runId: String(run.id),
      fileName: run.batchName,
      createdAt: run.createdAt,
      state: stateOf(run, owner !== null),
      total: run.totalRows,
      done: results.length,
      byStatus: countByStatus(results),
      callsUsed: results.reduce((s, r) => s + r.callsUsed, 0),
      simulated: run.simulated,
      ...(owner ? { runningElsewhere: { pid: owner.pid, host: owner.host } } : {}),
    };
  };

  const stateReply = (run: BatchRun) => ({ runId: String(run.runId), state: run.state });

  const breakerResult = (p: ProviderId, message: string) => ({
    provider: p,
    breaker: engine.providerSnapshots().find((s) => s.provider === p)!.breaker,
    message,
  });

  const plans = createPlanCommands({ engine, store, clock }, pathOf);
  const api: ApiService = {
    async previewBatch({ file, attachments }) {
      return previewBatch(pathOf(file) as string, {
        attachmentsRoot: pathOf(attachments),
        attachmentOptions: { allowUrlDownloads: engine.config.allowUrlDownloads },
      });
    },
    async startBatch({ file, attachments }) {
      const run = await runs.start({ kind: 'new', file: pathOf(file) as string, attachmentsRoot: pathOf(attachments) });
      return { runId: String(run.runId) };
    },
    async pauseBatch({ runId }) {
      return stateReply(runs.pause(Number(runId)));
    },
    async resumeBatch({ runId }) {
      const live = runs.get(Number(runId));
      return stateReply(await runs.resume(live ? live.runId : runRecord(runId).id));
    },
    async cancelBatch({ runId }) {
      return stateReply(runs.cancel(Number(runId)));
    },
    async rerunUndetermined({ runId }) {
      const { queued } = await runs.rerunUndetermined(runRecord(runId).id);
      return { runId, queued };
    },
    async listRuns() {
      return store.listRuns().map((run) =>
        summarize(
          run,
          store.results(run.id).map((r) => r.result),
        ),
      );
    },
    async getRunHistory({ offset, limit }) {
      const all = store.listRuns();
      const page = all.slice(offset, offset + limit).map((run) => {
        const results = store.results(run.id).map((r) => r.result);
        const lastResultAt = results.reduce<number | null>((m, r) => (m === null || r.finishedAt > m ? r.finishedAt : m), null);
        const facts = { live: runs.get(run.id) !== undefined, calls: store.callCounts(run.id), lastResultAt, now: clock.now() };
        return runHistoryEntry(summarize(run, results), run, facts);
      });
      return { total: all.length, runs: page };
    },
    async getResults({ runId, status, offset, limit }) {
      const run = runRecord(runId);
      const wanted = status && status.length > 0 ? new Set(status) : null;
      const rows = store.results(run.id).filter((r) => !wanted || wanted.has(r.result.status));
      return {
        total: rows.length,
        rows: rows.slice(offset, offset + limit).map((r) => resultRow(run.id, r.result, titleOf(run, r.result, r.cells), run.simulated)),
      };
    },
    async getSubmission({ runId, submissionId }) {
      const run = runRecord(runId);
      const stored = store.result(run.id, submissionId);
      if (!stored) return { submission: null, result: null, simulated: run.simulated };
      const result = { ...stored.result, calls: store.callsFor(run.id, submissionId), timeline: store.timelineFor(run.id, submissionId) };
      return { submission: submissionFromCells(run.columns, stored.cells, stored.result.row), result, simulated: run.simulated };
    },
    async exportResults({ runId, format }) {
      const run = runRecord(runId);
      const fileName = `${basename(run.batchName).replace(/\.[^.]+$/, '')}-run${run.id}-results.${format}`;
      const path = join(opts.userDataDir, 'exports', fileName);
      const written = await exportRun(store, run.id, path, format);
      const { size } = await stat(path);
      audit('export results', runId, null, { format, rows: written.rows });
      return { path, fileName, bytes: size, rows: written.rows };
    },
    async resetBreaker({ provider, reason }) {
      const before = breakerResult(provider, '').breaker.state;
      engine.resetBreaker(provider);
      audit('reset breaker', provider, before, 'closed', reason);
      return breakerResult(provider, `${provider} breaker reset to CLOSED`);
    },
    async forceOpenBreaker({ provider, reason }) {
      const before = breakerResult(provider, '').breaker.state;
      engine.forceOpen(provider);
      audit('force open breaker', provider, before, 'open', reason);
      return breakerResult(provider, `${provider} breaker forced OPEN: no traffic until reset`);
    },
    async restoreRate({ provider, reason }) {
      const rateOf = () => modelRate(engine.providerSnapshots().find((s) => s.provider === provider)!);
      const before = rateOf();
      try {
        await engine.restoreRate(provider);
      } catch (e) {
        // Restored here already; only the fleet's shared rate is behind, and the operator must know it.
        const after = rateOf();
        audit('restore configured rate', provider, modelRateWords(before), `${modelRateWords(after)}, on this instance only`, reason);
        throw new Error(`Restored on this instance, but not for the fleet: ${e instanceof Error ? e.message : String(e)}`);
      }
      const after = rateOf();
      audit('restore configured rate', provider, modelRateWords(before), modelRateWords(after), reason);
      return {
        provider,
        before,
        after,
        message: `${provider} rate restored: RPM ${Math.round(before.rpmLimit)} → ${Math.round(after.rpmLimit)} per model`,
      };
    },
    async pauseProvider({ provider, until, reason }) {
      engine.pauseProvider(provider, until);
      audit(until === null ? 'resume provider' : 'pause provider', provider, null, until, reason);
      return { provider, pausedUntil: engine.providerSnapshots().find((s) => s.provider === provider)!.pausedUntil };
    },
    async getConfig() {
      return engine.config;
    },
    async updateConfig({ patch, reason }) {
      const diff = ctx.updateConfig(patch, reason); // throws ConfigError naming the bad key; the settings store audits it
      const entry = store.listAudit().at(-1);
      if (entry) emit('audit', entry);
      return diff;
    },
    async getRules() {
      return store.rules();
    },
    async updateRules({ rules, reason }) {
      const before = store.rules();
      const edits = Object.fromEntries(
        rules.map((r: RuleDefinition) => [
          r.id,
          { points: r.points, enabled: r.enabled, ...(r.threshold === undefined ? {} : { threshold: r.threshold }) },
        ]),
      );
      const after = store.editRules(edits, { actor: 'operator', ...(reason ? { reason } : {}) });
      return { before, after };
    },
    async getKeyStatus() {
      return { providers: PROVIDER_IDS.map((p) => ({ provider: p, set: ctx.hasKey(p) })), simulated: ctx.simulated };
    },
    async setApiKey({ provider, key }) {
      ctx.setKey(provider, key);
      audit(key === null ? 'clear API key' : 'set API key', provider, null, key === null ? 'not set' : 'set');
      return { provider, set: key !== null };
    },
    async readAuditLog({ offset, limit }) {
      const newestFirst = store.listAudit().reverse();
      return { total: newestFirst.length, entries: newestFirst.slice(offset, offset + limit) };
    },
    async listAlerts({ includeAcknowledged }) {
      return alerts.list(includeAcknowledged);
    },
    async ackAlert({ id }) {
      const a = alerts.ack(id);
      emit('alert', a);
      return a;
    },
    async ackAllAlerts() {
      const acked = alerts.ackAll();
      for (const a of acked) emit('alert', a);
      return acked;
    },
    async getSnapshot() {
      return ctx.aggregator.snapshot();
    },
    getFleet: () => fleet.snapshot(),
    planBatch: (input) => plans.planBatch(input),
    cancelPlan: (input) => plans.cancelPlan(input),
    getRunPlan: (input) => plans.getRunPlan(input),
    async testConnection({ provider }) {
      return ctx.checkConnection(provider);
    },
    async getTelemetryHistory() {
      return history.read();
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as Listener);
      return () => set.delete(fn as Listener);
    },
    async close() {
      plans.close();
      stopSnapshots();
      stopEvents();
      await runs.close();
      stopFinished();
      await fleet.close();
      await ctx.close();
    },
  };
  return api;
}
