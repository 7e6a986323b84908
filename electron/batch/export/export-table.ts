// The export as a table: every input column in its original order, then the result
// columns. Rows keep the file's order (by row number). A mid-run export holds the rows finished so far and
// omits the unfinished ones, so every exported row is a complete, final result. Never writes `nan`.
import type { SubmissionResult } from '../../../shared/domain';
import { guardFormula } from './formula-guard';

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

/** `nan` (any case) and non-finite numbers are written as blank cells; text that a spreadsheet would run is defused. */
function clean(v: ExportCell | undefined): ExportCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return /^\s*nan\s*$/i.test(v) ? null : guardFormula(v);
}

export function exportTable(columns: readonly string[], rows: readonly ExportRow[]): ExportTable {
  const sorted = [...rows].sort((a, b) => a.result.row - b.result.row);
  return {
    header: [...columns, ...RESULT_COLUMNS].map(guardFormula),
    rows: sorted.map(({ cells, result: r }) => [
      // Exactly one cell per input column: ingest refuses misaligned files, so this only pads short rows.
      ...columns.map((_, i) => clean(cells[i])),
      clean(r.score),
      clean(r.status),
      clean(r.requirementsNotMet),
      clean(r.categoryScores.theme),
      clean(r.categoryScores.pdf),
      clean(r.categoryScores.image),
      clean(r.categoryScores.similarity),
      clean(r.provider),
    ]),
  };
}
