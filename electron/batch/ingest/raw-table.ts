// A batch file as read, before mapping: the header and the data rows as the original cell strings,
// so export can write every input column back in its original order (docs/domain.md §8).
import type { BatchEncoding, BatchFormat } from '../../../shared/batch';

export interface RawTable {
  format: BatchFormat;
  encoding: BatchEncoding;
  columns: string[];
  /** Data rows in file order; blank lines are dropped, so rows[i] is data row i + 1. */
  rows: string[][];
}

/** A blank line or a row of empty cells (",,,," from spreadsheets) is not a submission. */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}
