// Export results (DOMAIN.md §8): every input column in its original order, then the result columns.
// Rows keep the file's order (by row number). A mid-run export holds the rows finished so far and
// omits the unfinished ones, so every exported row is a complete, final result. Never writes `nan`.
import type { SubmissionResult } from '../../shared/domain';
import type { Store } from '../store/store';
import { writeFileAtomic } from './write-atomic';
import { writeXlsx } from './export-xlsx';

export const RESULT_COLUMNS = [
  'Overall Score',
  'Status',
  'Requirements Not Met',
  'Theme Score',
  'PDF Score',
  'Image Score',
  'Similarity Score',
  'Provider',
] as const;

export type ExportCell = string | number | null;

export interface ExportRow {
  cells: readonly (string | null)[];
  result: SubmissionResult;
}

export interface ExportTable {
  header: string[];
  rows: ExportCell[][];
}

/** `nan` (any case) and non-finite numbers are written as blank cells. */
function clean(v: ExportCell | undefined): ExportCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return /^\s*nan\s*$/i.test(v) ? null : v;
}

export function exportTable(columns: readonly string[], rows: readonly ExportRow[]): ExportTable {
  const sorted = [...rows].sort((a, b) => a.result.row - b.result.row);
  return {
    header: [...columns, ...RESULT_COLUMNS],
    rows: sorted.map(({ cells, result: r }) => [
      // Exactly one cell per input column: ingest refuses misaligned files, so this only pads short rows.
      ...columns.map((_, i) => clean(cells[i])),
      clean(r.score),
      r.status,
      clean(r.requirementsNotMet),
      clean(r.categoryScores.theme),
      clean(r.categoryScores.pdf),
      clean(r.categoryScores.image),
      clean(r.categoryScores.similarity),
      r.provider,
    ]),
  };
}

function csvCell(v: ExportCell): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 (CRLF line ends, quotes doubled), UTF-8 with a BOM so Excel reads it as UTF-8. */
export function toCsv(table: ExportTable): Buffer {
  const lines = [table.header, ...table.rows].map((r) => r.map(csvCell).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8')]);
}

export type ExportFormat = 'csv' | 'xlsx';

export function formatForFile(file: string): ExportFormat {
  if (/\.xlsx$/i.test(file)) return 'xlsx';
  if (/\.csv$/i.test(file)) return 'csv';
  throw new Error(`export file must end in .csv or .xlsx: ${file}`);
}

export async function writeExport(file: string, table: ExportTable, format: ExportFormat = formatForFile(file)): Promise<void> {
  if (format === 'xlsx') await writeXlsx(file, table);
  else await writeFileAtomic(file, toCsv(table));
}

export interface ExportSummary {
  /** Rows written (the finished ones). */
  rows: number;
  /** Rows in the batch file. */
  total: number;
}

/** Export a run from the store: its finished rows, in row order, in the format the file name says. */
export async function exportRun(store: Store, runId: number, file: string, format?: ExportFormat): Promise<ExportSummary> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const rows = store.results(runId).map((s) => ({ cells: s.cells, result: s.result }));
  await writeExport(file, exportTable(run.columns, rows), format ?? formatForFile(file));
  return { rows: rows.length, total: run.totalRows };
}
