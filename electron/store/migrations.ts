// Schema migrations, applied in order and recorded in PRAGMA user_version. Each runs in its own
// transaction, so a failure leaves the database at the previous version. Never edit a released
// migration: add the next one.
import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, submissions, rule results, calls, response cache, settings',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        batch_path TEXT NOT NULL,
        batch_sha256 TEXT NOT NULL,
        batch_name TEXT NOT NULL,
        attachments_root TEXT,
        columns_json TEXT NOT NULL,
        config_json TEXT NOT NULL,
        rules_json TEXT NOT NULL,
        total_rows INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'finished', 'cancelled')),
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX runs_by_batch ON runs (batch_sha256, id);

      CREATE TABLE submissions (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        submission_id TEXT NOT NULL,
        row INTEGER NOT NULL,
        cells_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Accepted', 'Rejected', 'Reopen', 'Review', 'Error')),
        score REAL NOT NULL,
        category_scores_json TEXT NOT NULL,
        undetermined_points REAL NOT NULL,
        requirements TEXT NOT NULL,
        provider TEXT NOT NULL,
        calls_used INTEGER NOT NULL,
        error TEXT,
        finished_at INTEGER NOT NULL,
        result_json TEXT NOT NULL,
        PRIMARY KEY (run_id, submission_id),
        UNIQUE (run_id, row)
      );
      CREATE INDEX submissions_by_status ON submissions (run_id, status);

      CREATE TABLE rule_results (
        run_id INTEGER NOT NULL,
        submission_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        category TEXT NOT NULL,
        name TEXT NOT NULL,
        points REAL NOT NULL,
        earned REAL NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'undetermined', 'disabled', 'skipped')),
        reason TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (run_id, submission_id, rule_id),
        FOREIGN KEY (run_id, submission_id) REFERENCES submissions (run_id, submission_id) ON DELETE CASCADE
      );

      CREATE TABLE calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL,
        submission_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('theme', 'pdf', 'image')),
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        started_at INTEGER NOT NULL,
        message TEXT,
        FOREIGN KEY (run_id, submission_id) REFERENCES submissions (run_id, submission_id) ON DELETE CASCADE
      );
      CREATE INDEX calls_by_submission ON calls (run_id, submission_id);

      CREATE TABLE response_cache (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        reply_json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'image index for duplicate photos across batches',
    sql: `
      CREATE TABLE image_index (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        submission_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        phash TEXT CHECK (phash IS NULL OR length(phash) = 16),
        photo INTEGER NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        batch_name TEXT NOT NULL,
        UNIQUE (owner, sha256)
      );
      CREATE INDEX image_index_by_sha ON image_index (sha256);
    `,
  },
  {
    version: 3,
    name: 'append-only audit log',
    sql: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        before_json TEXT,
        after_json TEXT,
        reason TEXT
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'runs remember whether the provider simulator judged them',
    sql: `ALTER TABLE runs ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    name: 'run locks: which process drives a run, with its heartbeat',
    sql: `
      CREATE TABLE run_locks (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        owner_pid INTEGER NOT NULL,
        owner_host TEXT NOT NULL,
        token TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'run planner predictions, linked to their run, with the actual outcome (docs/planner.md)',
    sql: `
      CREATE TABLE plan_predictions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        batch_sha256 TEXT NOT NULL,
        config_name TEXT NOT NULL,
        prediction_json TEXT NOT NULL,
        makespan_s REAL NOT NULL,
        run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        actual_makespan_s REAL,
        actual_json TEXT
      );
      CREATE INDEX plan_predictions_by_batch ON plan_predictions (batch_sha256, created_at);
      CREATE INDEX plan_predictions_by_run ON plan_predictions (run_id);
    `,
  },
  {
    version: 7,
    name: 'quota memory: every physical call per key hash and model, and refusals with their expiry (docs/engine-runtime.md)',
    sql: `
      CREATE TABLE quota_calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        provider TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        tokens INTEGER NOT NULL CHECK (tokens >= 0)
      );
      CREATE INDEX quota_calls_by_key ON quota_calls (provider, key_hash, model, started_at);

      CREATE TABLE quota_blocks (
        provider TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('exhausted', 'misconfigured', 'unavailable')),
        reason TEXT NOT NULL,
        until INTEGER,
        learned_at INTEGER NOT NULL,
        PRIMARY KEY (provider, key_hash, model, kind)
      );
    `,
  },
  {
    version: 8,
    name: 'call timeline: the steps of each submission calls, with their phase times on the engine clock (docs/console.md §16)',
    sql: `
      CREATE TABLE call_steps (
        run_id INTEGER NOT NULL,
        submission_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        step TEXT NOT NULL CHECK (step IN ('stagger', 'attempt', 'skip', 'park')),
        kind TEXT CHECK (kind IS NULL OR kind IN ('theme', 'pdf', 'image')),
        provider TEXT,
        attempt INTEGER NOT NULL,
        from_ms REAL NOT NULL,
        admitted_ms REAL,
        waited_on TEXT,
        sent_ms REAL,
        to_ms REAL NOT NULL,
        outcome TEXT,
        next TEXT,
        backoff_ms REAL NOT NULL,
        note TEXT,
        PRIMARY KEY (run_id, submission_id, seq),
        FOREIGN KEY (run_id, submission_id) REFERENCES submissions (run_id, submission_id) ON DELETE CASCADE
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring the database up to `target` (default: latest). Refuses a database newer than this app. */
export function migrate(db: Db, target: number = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this app supports (${SCHEMA_VERSION}); update the app`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    // IMMEDIATE takes the write lock before the version is read again: two processes opening one new file at
    // once (CLI runs beside the app) would otherwise both see the old version and apply the same migration twice.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
