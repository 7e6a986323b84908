// A stored row back as a Submission, for the detail drawer and the results table: the store keeps each
// row's original cells, and the mapping is a pure function of the header and the cells.
import type { Submission } from '../../shared/domain';
import { mapColumns, mapRows } from '../validation/mapping';

export function submissionFromCells(columns: readonly string[], cells: readonly (string | null)[], row: number): Submission {
  const mapped = mapRows(columns, [cells.map((c) => c ?? '')], mapColumns(columns)).submissions[0] as Submission;
  return { ...mapped, row };
}
