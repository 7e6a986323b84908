// Runs: one validation of one batch file, with the config and rules it ran under, so a resumed or
// re-exported run means exactly what it meant when it started.
import { basename } from 'node:path';
import type { EngineConfig } from '../../shared/config';
import type { RuleDefinition } from '../../shared/domain';
import type { Db } from './db';

export const RUN_STATES = ['running', 'paused', 'finished', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface NewRun {
  batchPath: string;
  batchSha256: string;
  /** Shown in duplicate reasons ("in batch X"); defaults to the file's name. */
  batchName?: string;
  attachmentsRoot: string | null;
  /** The batch file's header, in the original order (the export writes them back in this order). */
  columns: readonly string[];
  config: EngineConfig;
  rules: readonly RuleDefinition[];
  totalRows: number;
  /** Judged by the provider simulator (no API key): results are labelled "simulated". */
  simulated?: boolean;
}

export interface RunRecord {
  id: number;
  batchPath: string;
  batchSha256: string;
  batchName: string;
  attachmentsRoot: string | null;
  columns: string[];
  config: EngineConfig;
  rules: RuleDefinition[];
  totalRows: number;
  simulated: boolean;
  state: RunState;
  createdAt: number;
  finishedAt: number | null;
}

interface RunRow {
  id: number;
  batch_path: string;
  batch_sha256: string;
  batch_name: string;
  attachments_root: string | null;
  columns_json: string;
  config_json: string;
  rules_json: string;
  total_rows: number;
  simulated: number;
  state: RunState;
  created_at: number;
  finished_at: number | null;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    batchPath: r.batch_path,
    batchSha256: r.batch_sha256,
    batchName: r.batch_name,
    attachmentsRoot: r.attachments_root,
    columns: JSON.parse(r.columns_json) as string[],
    config: JSON.parse(r.config_json) as EngineConfig,
    rules: JSON.parse(r.rules_json) as RuleDefinition[],
    totalRows: r.total_rows,
    simulated: r.simulated === 1,
    state: r.state,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export class Runs {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  create(run: NewRun): RunRecord {
    const info = this.db
      .prepare(
        `INSERT INTO runs (batch_path, batch_sha256, batch_name, attachments_root, columns_json, config_json, rules_json, total_rows, simulated, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(
        run.batchPath,
        run.batchSha256,
        run.batchName ?? basename(run.batchPath),
        run.attachmentsRoot,
        JSON.stringify(run.columns),
        JSON.stringify(run.config),
        JSON.stringify(run.rules),
        run.totalRows,
        run.simulated ? 1 : 0,
        this.now(),
      );
    return this.get(Number(info.lastInsertRowid)) as RunRecord;
  }

  get(id: number): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRecord(row);
  }

  list(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]).map(toRecord);
  }

  /** The newest run not finished (of this batch file, when given): interrupted, paused or cancelled, the one to resume. */
  latestUnfinished(batchSha256?: string): RunRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE state IN ('running', 'paused', 'cancelled') AND (@sha IS NULL OR batch_sha256 = @sha) ORDER BY id DESC LIMIT 1`,
      )
      .get({ sha: batchSha256 ?? null }) as RunRow | undefined;
    return row && toRecord(row);
  }

  setState(id: number, state: RunState): RunRecord {
    if (!RUN_STATES.includes(state)) throw new Error(`unknown run state "${String(state)}"`);
    const ended = state === 'finished' || state === 'cancelled' ? this.now() : null;
    const info = this.db.prepare('UPDATE runs SET state = ?, finished_at = ? WHERE id = ?').run(state, ended, id);
    if (info.changes === 0) throw new Error(`no run ${id}`);
    return this.get(id) as RunRecord;
  }
}
