// Small builders for store tests: a temp database file and plausible results.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallRecord, Status, SubmissionResult } from '../../../shared/domain';
import { DEFAULT_RULES } from '../../../shared/rules';
import { buildResult } from '../../../electron/validation/result';
import { judge } from '../../../electron/validation/rule-result';
import type { NewRun } from '../../../electron/store/runs';
import { openStore, type Store } from '../../../electron/store/store';
import { afterEach, beforeEach } from 'vitest';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ev-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh store file in a fresh folder for each test, closed and removed after it. */
export function tempStore(): { readonly store: Store; readonly dir: string } {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let store: Store | undefined;
  beforeEach(() => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'v.db'));
  });
  afterEach(() => {
    store?.close();
    tmp?.cleanup();
  });
  const made = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('tempStore() is read inside a test, after beforeEach');
    return v;
  };
  return {
    get store() {
      return made(store);
    },
    get dir() {
      return made(tmp).dir;
    },
  };
}

export function newRun(over: Partial<NewRun> = {}): NewRun {
  return {
    batchPath: '/batches/june.csv',
    batchSha256: 'a'.repeat(64),
    attachmentsRoot: '/attachments',
    columns: ['id', 'activity_name', 'remark'],
    config: DEFAULT_CONFIG,
    rules: DEFAULT_RULES,
    totalRows: 3,
    ...over,
  };
}

export function call(submissionId: string, over: Partial<CallRecord> = {}): CallRecord {
  return {
    submissionId,
    kind: 'theme',
    provider: 'gemini',
    model: 'gemini-2.5-pro',
    attempt: 1,
    outcome: 'ok',
    inputTokens: 100,
    outputTokens: 20,
    latencyMs: 1500,
    startedAt: 1_000,
    ...over,
  };
}

/** A result whose LLM rules all have `llm` as verdict; deterministic rules pass. */
export function result(id: string, row: number, llm: 'pass' | 'fail' | 'undetermined', calls: CallRecord[] = []): SubmissionResult {
  const rules = DEFAULT_RULES.map((d) => judge(d, d.call ? llm : 'pass', `${d.id} ${llm}`, d.call ? 'gemini' : 'rule'));
  return buildResult({ submission: { id, row }, rules, threshold: 60, pdfReadable: true, usablePhotos: 2, calls, finishedAt: 5_000 + row });
}

export function expectStatus(r: SubmissionResult, s: Status): SubmissionResult {
  if (r.status !== s) throw new Error(`fixture expected ${s}, built ${r.status}`);
  return r;
}
