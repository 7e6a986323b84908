import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/db';
import { migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../../electron/store/migrations';
import { openStore } from '../../../electron/store/store';
import { newRun, result, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('schema migrations', () => {
  it('versions are ordered 1..N and the latest is applied to a new file', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const store = openStore(path.join(tmp.dir, 'new.db'));
    store.close();
    const db = new Database(path.join(tmp.dir, 'new.db'), { readonly: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('opening a version-1 database migrates it and keeps its data', () => {
    const file = path.join(tmp.dir, 'old.db');
    const old = openDatabase(file);
    migrate(old, 1);
    expect(schemaVersion(old)).toBe(1);
    expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'image_index'").pluck().get()).toBe(0);
    // Data written by the old version: a run and a finished result.
    old
      .prepare(
        `INSERT INTO runs (batch_path, batch_sha256, batch_name, attachments_root, columns_json, config_json, rules_json, total_rows, state, created_at)
       VALUES ('/b.csv', 'sha', 'b.csv', NULL, '["id"]', '{}', '[]', 1, 'paused', 1)`,
      )
      .run();
    const r = result('a', 1, 'pass');
    old
      .prepare(
        `INSERT INTO submissions (run_id, submission_id, row, cells_json, status, score, category_scores_json, undetermined_points, requirements, provider, calls_used, error, finished_at, result_json)
       VALUES (1, 'a', 1, '["a"]', ?, ?, '{}', 0, '', 'gemini', 0, NULL, 1, ?)`,
      )
      .run(r.status, r.score, JSON.stringify(r));
    old.close();

    const store = openStore(file);
    expect(store.latestUnfinishedRun()?.id).toBe(1);
    expect(store.finishedIds(1)).toEqual(new Set(['a']));
    // The tables of later versions now exist and work.
    store.registerImages(1, [{ submissionId: 'a', row: 1, photos: [{ photo: 1, sha256: 'x', phash: null }] }]);
    expect(store.appendAudit({ actor: 'op', action: 'x' }).id).toBe(1);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer app, leaving it untouched', () => {
    const file = path.join(tmp.dir, 'future.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore(file)).toThrow(`database schema version ${SCHEMA_VERSION + 1} is newer than this app supports`);
    const again = new Database(file, { readonly: true });
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION + 1);
    again.close();
  });

  it('re-opening a current database runs nothing again', () => {
    const file = path.join(tmp.dir, 'twice.db');
    openStore(file, { now: () => 1 }).createRun(newRun());
    const store = openStore(file);
    expect(store.listRuns()).toHaveLength(1);
    store.close();
  });
});
