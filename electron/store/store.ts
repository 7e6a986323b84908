// The store: one SQLite file behind everything that must survive a crash or a restart: runs, results,
// calls, the response cache, the image index, settings and the audit log. Opening it migrates the schema.
import type { CallRecord, RuleDefinition, SubmissionResult, TimelineStep } from '../../shared/domain';
import type { ProviderId } from '../../shared/provider';
import type { QuotaMemory } from '../engine/quota-memory';
import type { DuplicateMatch, IndexedImage } from '../validation/duplicates';
import { mergeRulesPatch, parseRulesPatch, RULES_SETTING_KEY, rulesTable, type RulesPatch } from '../validation/rules-table';
import { AuditLog, type AuditEntry, type AuditInput } from './audit';
import { openDatabase, type Db } from './db';
import { ImageIndex, type PhotoHash } from './image-index';
import { migrate } from './migrations';
import { Plans } from './plans';
import { QuotaLedger } from './quota-ledger';
import { ResponseCache, type CachedReply } from './response-cache';
import { Results, type StoredResult } from './results';
import { RunLocks, type RunLock, type RunOwner } from './run-lock';
import { Runs, type NewRun, type RunRecord, type RunState } from './runs';
import { Settings, type ChangeBy } from './settings';
import { storageFault } from './storage-fault';

export interface StoreOptions {
  /** Epoch ms for created/updated/audit stamps (tests pass a fixed clock). */
  now?: () => number;
}

export interface Store {
  readonly file: string;
  // runs
  createRun(run: NewRun): RunRecord;
  getRun(id: number): RunRecord | undefined;
  listRuns(): RunRecord[];
  latestUnfinishedRun(batchSha256?: string): RunRecord | undefined;
  setRunState(id: number, state: RunState): RunRecord;
  /** Take the run for this process; throws RunLockedError naming the live owner. */
  lockRun(id: number): RunLock;
  /** The live owner of a run when another process drives it, else null. */
  runOwner(id: number): RunOwner | null;
  // results
  saveResult(runId: number, result: SubmissionResult, cells: readonly (string | null)[]): void;
  finishedIds(runId: number): Set<string>;
  results(runId: number): StoredResult[];
  result(runId: number, submissionId: string): StoredResult | undefined;
  reviewResults(runId: number): StoredResult[];
  callsFor(runId: number, submissionId: string): CallRecord[];
  /** The steps of a submission's calls (docs/console.md §16). */
  timelineFor(runId: number, submissionId: string): TimelineStep[];
  callCounts(runId: number): Map<string, number>;
  // response cache
  cacheGet(key: string): CachedReply | undefined;
  cachePut(key: string, reply: Omit<CachedReply, 'createdAt'>): void;
  // image index
  registerImages(runId: number, rows: readonly { submissionId: string; row: number; photos: readonly PhotoHash[] }[]): void;
  /** Every indexed photo of earlier runs, in (run, row) order (the planner's cross-batch duplicates). */
  indexedImages(): readonly IndexedImage[];
  duplicatesOf(runId: number, submissionId: string, photos: readonly PhotoHash[], threshold: number): DuplicateMatch[];
  // settings, rules, audit
  getSetting(key: string): unknown;
  setSetting(key: string, value: unknown, by: ChangeBy): void;
  rules(): RuleDefinition[];
  rulesEdits(): RulesPatch;
  editRules(edits: unknown, by: ChangeBy): RuleDefinition[];
  appendAudit(entry: AuditInput): AuditEntry;
  listAudit(opts?: { afterId?: number; limit?: number }): AuditEntry[];
  /** The run planner's predictions, their actual outcomes and the call history (docs/planner.md). */
  readonly plans: Plans;
  /** The engine's quota memory over this file, naming each provider's current key by `keyHashOf` (docs/engine-runtime.md). */
  quotaMemory(keyHashOf: (p: ProviderId) => string | null): QuotaMemory;
  close(): void;
}

export function openStore(file: string, opts: StoreOptions = {}): Store {
  const now = opts.now ?? Date.now;
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (e) {
    throw storageFault(e, file) ?? e; // "unable to open database file" says neither which file nor why
  }
  try {
    migrate(db);
  } catch (e) {
    db.close();
    throw storageFault(e, file) ?? e;
  }
  const runs = new Runs(db, now);
  const locks = new RunLocks(db, now);
  const results = new Results(db);
  const cache = new ResponseCache(db, now);
  const images = new ImageIndex(db);
  const audit = new AuditLog(db, now);
  const settings = new Settings(db, audit, now);
  const rulesEdits = () => parseRulesPatch(settings.get(RULES_SETTING_KEY) ?? {});

  return {
    file,
    createRun: (run) => runs.create(run),
    getRun: (id) => runs.get(id),
    listRuns: () => runs.list(),
    latestUnfinishedRun: (sha) => runs.latestUnfinished(sha),
    setRunState: (id, state) => runs.setState(id, state),
    lockRun: (id) => locks.acquire(id),
    runOwner: (id) => locks.otherOwner(id),
    saveResult: (runId, result, cells) => results.save(runId, result, cells),
    finishedIds: (runId) => results.finishedIds(runId),
    results: (runId) => results.list(runId),
    result: (runId, id) => results.get(runId, id),
    reviewResults: (runId) => results.review(runId),
    callsFor: (runId, id) => results.calls(runId, id),
    timelineFor: (runId, id) => results.timeline(runId, id),
    callCounts: (runId) => results.callCounts(runId),
    cacheGet: (key) => cache.get(key),
    cachePut: (key, reply) => cache.put(key, reply),
    registerImages: (runId, rows) => images.register(runId, rows),
    duplicatesOf: (runId, id, photos, threshold) => images.duplicatesOf(runId, id, photos, threshold),
    indexedImages: () => images.all(),
    getSetting: (key) => settings.get(key),
    setSetting: (key, value, by) => settings.set(key, value, by),
    rules: () => rulesTable(rulesEdits()),
    rulesEdits,
    editRules: (edits, by) => {
      const next = mergeRulesPatch(rulesEdits(), edits); // throws RulesError before anything is written
      settings.set(RULES_SETTING_KEY, next, by);
      return rulesTable(next);
    },
    appendAudit: (entry) => audit.append(entry),
    listAudit: (o) => audit.list(o),
    plans: new Plans(db, now),
    quotaMemory: (keyHashOf) => new QuotaLedger(db, now, keyHashOf),
    close: () => db.close(),
  };
}
