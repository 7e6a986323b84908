import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../electron/store/store';
import { cacheKey } from '../../../electron/store/cache-key';
import { RulesError } from '../../../electron/validation/rules-table';
import { call, expectStatus, newRun, result, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let clock = 1_000;
const file = () => path.join(tmp.dir, 'sub', 'validator.db');

beforeEach(() => {
  tmp = tempDir();
  clock = 1_000;
  store = openStore(file(), { now: () => clock });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('runs', () => {
  it('creates a run with its snapshot and finds the unfinished one to resume', () => {
    const a = store.createRun(newRun());
    expect(a).toMatchObject({
      id: 1,
      batchName: 'june.csv',
      state: 'running',
      createdAt: 1_000,
      finishedAt: null,
      columns: ['id', 'activity_name', 'remark'],
    });
    expect(a.config.acceptanceThreshold).toBe(60);
    expect(a.rules).toHaveLength(15);
    const b = store.createRun(newRun({ batchSha256: 'b'.repeat(64) }));
    expect(store.latestUnfinishedRun()?.id).toBe(b.id);
    expect(store.latestUnfinishedRun('a'.repeat(64))?.id).toBe(a.id);
    clock = 9_000;
    expect(store.setRunState(a.id, 'finished')).toMatchObject({ state: 'finished', finishedAt: 9_000 });
    expect(store.latestUnfinishedRun('a'.repeat(64))).toBeUndefined();
    expect(() => store.setRunState(99, 'paused')).toThrow('no run 99');
  });
});

describe('results', () => {
  it('round-trips a result with its cells, rule verdicts and calls, in row order', () => {
    const run = store.createRun(newRun());
    store.saveResult(run.id, result('b', 2, 'pass', [call('b'), call('b', { kind: 'pdf', attempt: 2, outcome: 'rate_limit', message: '429' })]), [
      'b',
      'Second',
      null,
    ]);
    store.saveResult(run.id, result('a', 1, 'fail'), ['a', 'First', 'x']);
    const all = store.results(run.id);
    expect(all.map((r) => r.result.submissionId)).toEqual(['a', 'b']);
    expect(all[1]?.cells).toEqual(['b', 'Second', null]);
    expect(all[1]?.result.status).toBe('Accepted');
    expect(store.finishedIds(run.id)).toEqual(new Set(['a', 'b']));
    expect(store.callsFor(run.id, 'b')).toEqual([call('b'), call('b', { kind: 'pdf', attempt: 2, outcome: 'rate_limit', message: '429' })]);
    const db = new Database(file(), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM rule_results WHERE run_id = ?').pluck().get(run.id)).toBe(30);
    db.close();
  });

  it('a throw mid-save leaves no partial row: result, rules and calls commit together or not at all', () => {
    const run = store.createRun(newRun());
    const bad = result('a', 1, 'pass', [call('a')]);
    // The last rule verdict violates the schema: the failure comes after the submission row was written.
    bad.rules[14] = { ...bad.rules[14]!, verdict: 'maybe' as never };
    expect(() => store.saveResult(run.id, bad, ['a'])).toThrow(/CHECK constraint/);
    expect(store.results(run.id)).toEqual([]);
    expect(store.finishedIds(run.id).size).toBe(0);
    expect(store.callsFor(run.id, 'a')).toEqual([]);
    const db = new Database(file(), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM rule_results').pluck().get()).toBe(0);
    db.close();
  });

  it('re-running undetermined: Review rows are listed and replaced in place, with their call records', () => {
    const run = store.createRun(newRun());
    store.saveResult(run.id, expectStatus(result('a', 1, 'undetermined', [call('a', { outcome: 'overloaded' })]), 'Review'), ['a']);
    store.saveResult(run.id, expectStatus(result('b', 2, 'pass'), 'Accepted'), ['b']);
    expect(store.reviewResults(run.id).map((r) => r.result.submissionId)).toEqual(['a']);
    store.saveResult(run.id, expectStatus(result('a', 1, 'pass', [call('a')]), 'Accepted'), ['a']);
    expect(store.reviewResults(run.id)).toEqual([]);
    expect(store.results(run.id)).toHaveLength(2);
    expect(store.result(run.id, 'a')?.result.status).toBe('Accepted');
    expect(store.callsFor(run.id, 'a').map((c) => c.outcome)).toEqual(['ok']);
  });

  it('saving a row again (a resumed row, a re-run) never piles up call records', () => {
    const run = store.createRun(newRun());
    const calls = [call('a', { outcome: 'overloaded' }), call('a'), call('a')];
    for (let i = 0; i < 5; i++) store.saveResult(run.id, result('a', 1, 'pass', calls), ['a']);
    expect(store.callsFor(run.id, 'a')).toHaveLength(3);
  });

  it('a result for an unknown run is refused (foreign key)', () => {
    expect(() => store.saveResult(42, result('a', 1, 'pass'), ['a'])).toThrow(/FOREIGN KEY/);
  });
});

describe('response cache', () => {
  it('round-trips replies by content key', () => {
    const key = cacheKey({ model: 'm', promptVersion: 'v1', kind: 'pdf', fields: { title: 'T', theme: 'X' }, attachmentHashes: ['h1'] });
    expect(store.cacheGet(key)).toBeUndefined();
    store.cachePut(key, { kind: 'pdf', provider: 'gemini', model: 'm', json: { title_match: true } });
    expect(store.cacheGet(key)).toEqual({ kind: 'pdf', provider: 'gemini', model: 'm', json: { title_match: true }, createdAt: 1_000 });
  });

  it('keys are stable under field order and change with any input', () => {
    const base = { model: 'm', promptVersion: 'v1', kind: 'theme' as const, fields: { a: 1, b: 'x' }, attachmentHashes: ['h1', 'h2'] };
    const k = cacheKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...base, fields: { b: 'x', a: 1 } })).toBe(k);
    for (const changed of [
      { ...base, model: 'm2' },
      { ...base, promptVersion: 'v2' },
      { ...base, kind: 'pdf' as const },
      { ...base, fields: { a: 2, b: 'x' } },
      { ...base, attachmentHashes: ['h2', 'h1'] },
    ]) {
      expect(cacheKey(changed)).not.toBe(k);
    }
  });

  it('survives reopening the file', () => {
    store.cachePut('k', { kind: 'theme', provider: 'groq', model: 'llama', json: { aligned: false } });
    store.close();
    store = openStore(file());
    expect(store.cacheGet('k')?.json).toEqual({ aligned: false });
  });
});

describe('settings, rules and the audit log', () => {
  it('rules edits are validated, persisted, and audited with before/after', () => {
    expect(store.rules().find((r) => r.id === 'geotag')?.enabled).toBe(false);
    clock = 2_000;
    const t = store.editRules({ geotag: { enabled: true } }, { actor: 'operator', reason: 'GPS matters now' });
    expect(t.find((r) => r.id === 'geotag')?.enabled).toBe(true);
    store.editRules({ geotag: { points: 8 } }, { actor: 'operator' });
    expect(store.rulesEdits()).toEqual({ geotag: { enabled: true, points: 8 } });
    expect(() => store.editRules({ nope: { points: 1 } }, { actor: 'operator' })).toThrow(RulesError);
    expect(() => store.editRules({ banner: { points: -2 } }, { actor: 'operator' })).toThrow('rule banner: points');
    store.close();
    store = openStore(file());
    expect(store.rules().find((r) => r.id === 'geotag')).toMatchObject({ enabled: true, points: 8 });
    const log = store.listAudit();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      at: 2_000,
      actor: 'operator',
      action: 'setting.changed',
      target: 'rules',
      before: undefined,
      after: { geotag: { enabled: true } },
      reason: 'GPS matters now',
    });
    expect(log[1]).toMatchObject({ before: { geotag: { enabled: true } }, after: { geotag: { enabled: true, points: 8 } } });
  });

  it('the audit log is append-only, enforced by the database itself', () => {
    const e = store.appendAudit({ actor: 'operator', action: 'breaker.reset', target: 'gemini', reason: 'provider is back' });
    expect(e).toMatchObject({ id: 1, actor: 'operator', action: 'breaker.reset', target: 'gemini', before: undefined });
    const db = new Database(file());
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow('audit log is append-only');
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow('audit log is append-only');
    db.close();
    expect(store.listAudit()).toEqual([e]);
    expect(() => store.appendAudit({ actor: ' ', action: 'x' })).toThrow('needs an actor');
  });

  it('pages the audit log', () => {
    for (let i = 0; i < 5; i++) store.appendAudit({ actor: 'a', action: `x${i}` });
    expect(store.listAudit({ afterId: 2, limit: 2 }).map((e) => e.action)).toEqual(['x2', 'x3']);
  });
});
