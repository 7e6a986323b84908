// The one compact table of the console (preview mapping and rows, audit log, instances, run history): a header row of column
// names and a body of rows, each cell from its column's function, so the screens differ only in their columns.
import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  /** Class of the cell for this row ("clip", "error-text"). */
  className?: (row: T) => string | undefined;
  /** Full text shown on hover, for a clipped cell. */
  title?: (row: T) => string | undefined;
  /** Test id of this column's cells. */
  testId?: string;
}

interface Props<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey(row: T, index: number): string | number;
  label?: string;
  className?: string;
  /** Test id of each body row. */
  rowTestId?: string;
  /** Test id of the table. */
  testId?: string;
  /** Extra attributes of a body row (the selected one's aria-current, a data-* key for tests). */
  rowAttrs?: (row: T) => Record<string, string | undefined>;
}

export function CompactTable<T>({ columns, rows, rowKey, label, className, rowTestId, testId, rowAttrs }: Props<T>) {
  return (
    <table className={className ? `compact ${className}` : 'compact'} aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={rowKey(r, i)} data-testid={rowTestId} {...rowAttrs?.(r)}>
            {columns.map((c) => (
              <td key={c.header} className={c.className?.(r)} title={c.title?.(r)} data-testid={c.testId}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
