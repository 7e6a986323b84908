// The export's file format, told by the file name: the one place that knows which extensions are allowed.
export type ExportFormat = 'csv' | 'xlsx';

export function formatForFile(file: string): ExportFormat {
  if (/\.xlsx$/i.test(file)) return 'xlsx';
  if (/\.csv$/i.test(file)) return 'csv';
  throw new Error(`export file must end in .csv or .xlsx: ${file}`);
}
