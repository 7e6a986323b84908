// runHistoryEntry: a stored run's outcome, duration and fallback calls, for every way a run can stand.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/api';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { runHistoryEntry, type RunFacts } from '../../../electron/app/run-history';
import type { RunRecord } from '../../../electron/store/runs';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const byStatus = { Accepted: 3, Rejected: 1, Reopen: 1, Review: 0, Error: 0 };
const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  runId: '7',
  fileName: 'batch.csv',
  createdAt: T0,
  state: 'paused',
  total: 10,
  done: 5,
  byStatus,
  callsUsed: 12,
  simulated: true,
  ...over,
});
const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  id: 7,
  batchPath: '/b/batch.csv',
  batchSha256: 'x',
  batchName: 'batch.csv',
  attachmentsRoot: null,
  columns: [],
  config: { ...DEFAULT_CONFIG, providerOrder: ['gemini', 'groq'] },
  rules: [],
  totalRows: 10,
  simulated: true,
  state: 'running',
  createdAt: T0,
  finishedAt: null,
  ...over,
});
const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  live: false,
  calls: new Map([
    ['gemini', 9],
    ['groq', 3],
  ]),
  lastResultAt: T0 + 60_000,
  now: T0 + 600_000,
  ...over,
});

describe('runHistoryEntry', () => {
  it('reads a stored "running" run with no live handle as interrupted and resumable, timed to its last result', () => {
    const e = runHistoryEntry(summary(), record(), facts());
    expect(e).toMatchObject({ outcome: 'interrupted', resumable: true, durationMs: 60_000, fallbackCalls: 3 });
    expect(e.callsByProvider).toEqual({ gemini: 9, groq: 3 });
  });

  it('names a run driven by another process, which is not resumable here, timed to now', () => {
    const e = runHistoryEntry(summary({ state: 'running', runningElsewhere: { pid: 42, host: 'h' } }), record(), facts());
    expect(e).toMatchObject({ outcome: 'running elsewhere', resumable: false, durationMs: 600_000 });
  });

  it('takes a live run’s own state, and a finished run’s end', () => {
    expect(runHistoryEntry(summary({ state: 'running' }), record(), facts({ live: true }))).toMatchObject({ outcome: 'running', resumable: false });
    expect(runHistoryEntry(summary({ state: 'paused' }), record(), facts({ live: true }))).toMatchObject({ outcome: 'paused', resumable: true });
    const done = runHistoryEntry(summary({ state: 'finished', done: 10 }), record({ state: 'finished', finishedAt: T0 + 90_000 }), facts());
    expect(done).toMatchObject({ outcome: 'finished', resumable: false, durationMs: 90_000, finishedAt: T0 + 90_000 });
  });

  it('counts the calls to providers after the first in the run’s own order as fallback calls', () => {
    const groqFirst = record({ config: { ...DEFAULT_CONFIG, providerOrder: ['groq', 'gemini'] } });
    expect(runHistoryEntry(summary(), groqFirst, facts()).fallbackCalls).toBe(9);
  });

  it('has no duration before any result', () => {
    expect(runHistoryEntry(summary({ done: 0 }), record({ state: 'cancelled' }), facts({ lastResultAt: null })).durationMs).toBeNull();
  });
});
