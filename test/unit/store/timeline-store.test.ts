// The timeline round trip (docs/console.md §16): a result's steps are stored beside its calls in the same
// transaction, come back after the file is reopened, are replaced when the row is saved again (a re-run), go with a
// deleted run, and stay out of the result's JSON.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimelineStep } from '../../../shared/domain';
import { openStore } from '../../../electron/store/store';
import { openDatabase } from '../../../electron/store/db';
import { blankStep } from '../../../electron/engine/budget';
import { call, newRun, result, tempDir } from './fixtures';

const base = blankStep('attempt', 'theme', 'gemini', 1, 0);

const steps: TimelineStep[] = [
  { ...base, step: 'stagger', kind: null, provider: null, attempt: 0, from: 1_000, to: 1_240 },
  {
    ...base,
    step: 'attempt',
    from: 1_240,
    admittedAt: 4_240,
    waitedOn: 'RPM',
    sentAt: 4_300,
    to: 5_800,
    outcome: 'overloaded',
    next: 'retry',
    backoffMs: 2_150.5,
  },
  { ...base, step: 'skip', attempt: 0, from: 7_950.5, to: 7_950.5, next: 'fallback', note: 'gemini breaker open' },
  { ...base, step: 'attempt', provider: 'groq', from: 7_950.5, admittedAt: 7_950.5, sentAt: 7_950.5, to: 9_000, outcome: 'ok', next: 'ok' },
];

describe('timeline store', () => {
  it('round-trips every field, survives a reopen, is replaced on a re-save and stays out of result_json', () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'v.db');
    try {
      let store = openStore(file);
      const run = store.createRun(newRun());
      store.saveResult(run.id, { ...result('s1', 1, 'pass', [call('s1')]), timeline: steps }, ['s1', 'A', null]);
      store.saveResult(run.id, result('s2', 2, 'pass'), ['s2', 'B', null]);
      store.close();

      store = openStore(file);
      expect(store.timelineFor(run.id, 's1')).toEqual(steps);
      expect(store.timelineFor(run.id, 's2')).toEqual([]);
      expect(store.result(run.id, 's1')?.result.timeline).toBeUndefined();
      expect(store.callsFor(run.id, 's1')).toHaveLength(1);

      // A re-run saves the row again: its new timeline replaces the old one, no step is left over.
      const rerun = [
        {
          ...base,
          step: 'attempt' as const,
          from: 20_000,
          admittedAt: 20_000,
          sentAt: 20_000,
          to: 21_000,
          outcome: 'ok' as const,
          next: 'ok' as const,
        },
      ];
      store.saveResult(run.id, { ...result('s1', 1, 'pass'), timeline: rerun }, ['s1', 'A', null]);
      expect(store.timelineFor(run.id, 's1')).toEqual(rerun);
      store.close();

      const db = openDatabase(file);
      expect(db.prepare('SELECT COUNT(*) FROM call_steps').pluck().get()).toBe(1);
      db.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
      expect(db.prepare('SELECT COUNT(*) FROM call_steps').pluck().get()).toBe(0);
      db.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('a step the schema refuses rolls the whole save back: no result, no calls, no steps', () => {
    const tmp = tempDir();
    try {
      const store = openStore(path.join(tmp.dir, 'v.db'));
      const run = store.createRun(newRun());
      const bad = { ...steps[1], step: 'nap' } as unknown as TimelineStep;
      expect(() => store.saveResult(run.id, { ...result('s1', 1, 'pass', [call('s1')]), timeline: [bad] }, ['s1', 'A', null])).toThrow(
        /CHECK constraint failed/,
      );
      expect(store.result(run.id, 's1')).toBeUndefined();
      expect(store.callsFor(run.id, 's1')).toEqual([]);
      expect(store.timelineFor(run.id, 's1')).toEqual([]);
      store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
