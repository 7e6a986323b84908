// Export a run's results to a CSV or XLSX file, atomically. exceljs is big: only XLSX exports pay for loading it.
import type { Store } from '../../store/store';
import { toCsv } from './export-csv';
import { formatForFile, type ExportFormat } from './export-format';
import { exportTable, type ExportTable } from './export-table';
import { writeFileAtomic } from '../write-atomic';

export async function writeExport(file: string, table: ExportTable, format: ExportFormat = formatForFile(file)): Promise<void> {
  const bytes = format === 'xlsx' ? await (await import('./export-xlsx')).xlsxBytes(table) : toCsv(table);
  await writeFileAtomic(file, bytes);
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
