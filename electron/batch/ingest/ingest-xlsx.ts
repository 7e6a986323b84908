// Reads the first sheet of an XLSX batch file as a stream of rows (exceljs WorkbookReader), turning every
// cell into the string a CSV export would have held. Dates (date-formatted cells, and bare Excel serials in
// date columns) become "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS".
import ExcelJS from 'exceljs';
import { BatchFileError } from './batch-file-error';
import { cellName, cellTooLarge, INGEST_LIMITS, rowTooLarge, sheetPlace, totalTooLarge, type IngestLimits } from './ingest-limits';
import { scanXlsx } from './xlsx-scan';
import { isBlankRecord, type RawTable } from './raw-table';

/** Columns that hold dates in the real export; a plain number there is an Excel date serial. */
const DATE_COLUMNS = new Set(['from_date', 'to_date', 'verified_date', 'created_date']);
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30); // serial 0 in the 1900 date system (after Lotus's leap-year bug)
const DAY_MS = 86_400_000;
const MAX_SERIAL = 2_958_465; // 9999-12-31

export async function readXlsx(file: string, limits: IngestLimits = INGEST_LIMITS): Promise<RawTable> {
  await scanXlsx(file, limits); // a zip bomb is refused before exceljs unpacks any of it
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date-formatted numbers from plain ones
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let columns: string[] | null = null;
  let dateColumns: boolean[] = [];
  const rows: string[][] = [];
  let totalChars = 0;
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        // row.values is 1-based and sparse: index 0 is unused.
        const values = row.values as unknown[];
        const cells: string[] = [];
        let rowChars = 0;
        for (let i = 1; i < values.length; i++) {
          const text = cellText(values[i], dateColumns[i - 1] ?? false);
          if (text.length > limits.cellChars) throw cellTooLarge(sheetPlace(cellName(i, row.number)), limits);
          rowChars += text.length;
          if (rowChars > limits.rowChars) throw rowTooLarge(`Row ${row.number} of the sheet`, limits);
          cells.push(text);
        }
        // One shared string may fill every cell: the text held, not the file size, is what costs memory.
        totalChars += rowChars;
        if (totalChars > limits.totalChars) throw totalTooLarge(`its cells hold more than ${limits.totalChars} characters,`, limits.totalChars);
        if (isBlankRecord(cells)) continue;
        if (columns === null) {
          columns = cells.map((c) => c.trim());
          dateColumns = columns.map((c) => DATE_COLUMNS.has(c.toLowerCase()));
        } else {
          while (cells.length < columns.length) cells.push('');
          rows.push(cells);
        }
      }
      break; // first sheet only
    }
  } catch (err) {
    if (err instanceof BatchFileError) throw err;
    // A TypeError or RangeError is the parser tripping over the workbook's structure: its text ("Cannot read
    // properties of undefined") says nothing to an operator, so say what to do instead.
    const internal = err instanceof TypeError || err instanceof RangeError;
    throw new BatchFileError(
      'unreadable',
      internal
        ? 'The XLSX file could not be read: its workbook structure is damaged or unusual. Open it in a spreadsheet program and save it again as .xlsx (or export it as CSV UTF-8).'
        : `The XLSX file could not be read: ${(err as Error).message}.`,
    );
  }
  if (columns === null) throw new BatchFileError('empty', 'The file is empty: its first sheet has no header row and no data.');
  return { format: 'xlsx', encoding: null, columns, rows };
}

function cellText(v: unknown, isDateColumn: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (isDateColumn && v > 0 && v <= MAX_SERIAL) return formatDate(new Date(EXCEL_EPOCH_MS + Math.round(v * DAY_MS)));
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return formatDate(v);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result, isDateColumn); // formula: its cached value
    if ('formula' in o || 'sharedFormula' in o) return ''; // a formula with no cached value (an error result, say)
    if (typeof o.text === 'string') return o.text; // hyperlink
    if (typeof o.error === 'string') return '';
  }
  return String(v);
}

/** exceljs gives dates as UTC instants of the wall-clock value typed in Excel. */
function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}
