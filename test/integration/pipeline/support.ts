// Shared pieces of the pipeline end-to-end tests: the sample batch and its manifest, reading an export back,
// reading a run's database read-only (as the child process writes it), and mapping the simulator's logged
// requests back to the submissions they were made for.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import type { LogEntry } from '../../../electron/providers/simulator/types';
import { repoRoot } from '../../helpers/cli';

export { requestKind, requestMatcher } from '../../helpers/request-matcher';

export const SAMPLE = path.join(repoRoot, 'test/fixtures/sample');
export const SAMPLE_BATCH = path.join(SAMPLE, 'batch.csv');
export const SAMPLE_ATTACHMENTS = path.join(SAMPLE, 'attachments');
export const REOPEN_PDF = 'PDF Validation: PDF file missing or could not be read';
export const REOPEN_IMAGES = 'Image Validation: Event photos missing or invalid';
/** The columns export adds after the input columns (docs/domain.md §8). */
export const ADDED_COLUMNS = [
  'Overall Score',
  'Status',
  'Requirements Not Met',
  'Theme Score',
  'PDF Score',
  'Image Score',
  'Similarity Score',
  'Provider',
];

export interface ManifestRow {
  id: string;
  row: number;
  intent: 'Accepted' | 'Rejected' | 'Reopen' | 'Review';
  note: string;
}
export const manifest = (): ManifestRow[] => (JSON.parse(readFileSync(path.join(SAMPLE, 'manifest.json'), 'utf8')) as { rows: ManifestRow[] }).rows;

export type Row = Record<string, string>;

/** An exported CSV as rows keyed by column name, in file order. */
export async function exportedRows(file: string): Promise<{ columns: string[]; rows: Row[] }> {
  const t = await readCsv(file);
  return { columns: t.columns, rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? '']))) };
}

export const byId = (rows: Row[]): Map<string, Row> => new Map(rows.map((r) => [r.id as string, r]));

/** Run a query on a run database without taking any write lock (the CLI may be writing it). */
export function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all(...params) as T[];
  } finally {
    conn.close();
  }
}

export interface RuleRow {
  submission_id: string;
  rule_id: string;
  verdict: string;
  source: string;
  reason: string;
}
export const ruleRows = (db: string, runId: number): RuleRow[] =>
  query<RuleRow>(
    db,
    'SELECT submission_id, rule_id, verdict, source, reason FROM rule_results WHERE run_id = ? ORDER BY submission_id, rule_id',
    runId,
  );

/** Physical model calls (not token counts or model listings). */
export const modelCalls = (log: LogEntry[]): LogEntry[] => log.filter((e) => e.route === 'generateContent' || e.route === 'chat.completions');

/** A copy of the sample's header and the given rows (by id), as a new batch file. */
export function sampleSubset(file: string, ids: readonly string[], edit: (line: string) => string = (l) => l): string {
  const [header, ...lines] = readFileSync(SAMPLE_BATCH, 'utf8').split(/\r?\n/);
  const picked = ids.map((id) => lines.find((l) => l.startsWith(`${id},`)) ?? '');
  if (picked.some((l) => l === '')) throw new Error(`not in the sample: ${ids.join(', ')}`);
  writeFileSync(file, [header, ...picked.map(edit)].join('\n') + '\n');
  return file;
}
