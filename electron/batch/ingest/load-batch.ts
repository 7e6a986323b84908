// Reads a batch file (CSV or XLSX, told apart by content) and maps it to Submissions, refusing files that
// must not run: empty, no required column, a header that doesn't line up, an old binary .xls.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BatchProblem } from '../../../shared/batch';
import type { Submission } from '../../../shared/domain';
import { checkAlignment } from '../../validation/alignment';
import { COLUMN_SPECS, mapColumns, mapRows, type ColumnMap } from '../../validation/mapping';
import { BatchFileError } from './batch-file-error';
import { readCsv } from './ingest-csv';
import type { RawTable } from './raw-table';
import { noRequiredColumns } from './refusals';

/** How many lines below the first a header is looked for, when the first is a title (docs/console.md §6). */
const TITLE_LINES_CHECKED = 5;

export interface LoadedBatch {
  table: RawTable;
  map: ColumnMap;
  /** submissions[i] maps table.rows[i]. */
  submissions: Submission[];
  problems: BatchProblem[];
}

export async function readTable(file: string): Promise<RawTable> {
  await mustBeRegularFile(file);
  const head = await firstBytes(file, 8);
  // "PK": a zip, i.e. an XLSX workbook. exceljs is big: only XLSX files pay for loading it.
  if (head[0] === 0x50 && head[1] === 0x4b) return (await import('./ingest-xlsx')).readXlsx(file);
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) {
    throw new BatchFileError('unsupported_format', 'This is an old binary Excel file (.xls). Save it as .xlsx or .csv and load it again.');
  }
  if (/\.xlsx?$/i.test(file)) throw new BatchFileError('unreadable', `${path.basename(file)} is not a valid Excel workbook.`);
  const wide = wideEncoding(head);
  if (wide)
    throw new BatchFileError(
      'unsupported_format',
      `${path.basename(file)} is ${wide} text, which is not supported: save it as CSV UTF-8 and load it again.`,
    );
  return readCsv(file);
}

/** The batch file could not be looked at or opened: missing, or the system's code for why. */
function unopenable(file: string, err: unknown): BatchFileError {
  const code = (err as NodeJS.ErrnoException).code;
  const name = path.basename(file);
  return new BatchFileError('unreadable', code === 'ENOENT' ? `${name} does not exist.` : `${name} cannot be opened (${code}).`);
}

/** A folder, a pipe or a device (/dev/zero) is refused from its type: opening a FIFO would hang, a device never ends. */
async function mustBeRegularFile(file: string): Promise<void> {
  let s;
  try {
    s = await stat(file);
  } catch (err) {
    throw unopenable(file, err);
  }
  if (s.isDirectory()) throw new BatchFileError('unreadable', `${file} is a folder, not a batch file: give the .csv or .xlsx file itself.`);
  if (!s.isFile()) throw new BatchFileError('unreadable', `${file} is not a regular file (a pipe, socket or device): give a .csv or .xlsx file.`);
}

/** UTF-32 and UTF-16, by their byte-order mark or, without one, by the NUL bytes every ASCII character carries. */
function wideEncoding(head: Buffer): string | null {
  if (head.length >= 4 && (head.readUInt32LE(0) === 0x0000feff || head.readUInt32BE(0) === 0x0000feff)) return 'UTF-32';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'UTF-16';
  const nuls = [...head].filter((b) => b === 0).length;
  if (head.length >= 4 && nuls >= head.length / 4) return nuls >= (head.length * 3) / 4 - 1 ? 'UTF-32' : 'UTF-16';
  return null;
}

export async function loadBatch(file: string): Promise<LoadedBatch> {
  const table = await readTable(file);
  const map = mapColumns(table.columns);
  const required = COLUMN_SPECS.filter((s) => s.required);
  if (map.missingRequired.length === required.length) {
    throw new BatchFileError('missing_columns', noRequiredColumns(map.missingRequired, headerBelow(table, required.length), firstLine(table)));
  }
  if (table.rows.length === 0) throw new BatchFileError('empty', 'The file has a header but no data rows.');
  const misaligned = checkAlignment(table.columns, table.rows, map);
  if (misaligned) throw new BatchFileError('misaligned', misaligned);
  const { submissions, problems } = mapRows(table.columns, table.rows, map);
  return { table, map, submissions, problems: [...map.problems, ...problems] };
}

/** Title lines above the header: the 1-based line among the next few whose cells name required columns, else null. */
function headerBelow(table: RawTable, required: number): number | null {
  const i = table.rows.slice(0, TITLE_LINES_CHECKED).findIndex((cells) => mapColumns(cells).missingRequired.length < required);
  return i < 0 ? null : i + 2;
}

function firstLine(table: RawTable): string {
  const text = table.columns.filter((c) => c.trim() !== '').join(', ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

async function firstBytes(file: string, n: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw unopenable(file, err);
  }
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    if (bytesRead === 0) throw new BatchFileError('empty', 'The file is empty (0 bytes).');
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
