// Caps on what one batch file may hold, so a poison-pill file (a 128 MB cell, a 300 MB cell zipped into 300 KB)
// is refused with a message instead of exhausting memory. Far above any real export: 37,000 rows are ~25 MB of CSV.
import { BatchFileError } from './batch-file-error';

export const INGEST_LIMITS = {
  /** Characters in one cell. */
  cellChars: 1 << 20,
  /** Characters in one row, all cells together. */
  rowChars: 4 << 20,
  /** Bytes of a CSV file. */
  csvBytes: 128 << 20,
  /** Bytes of all the parts of an XLSX once unzipped (its XML is several times the text it holds). */
  xlsxUnzippedBytes: 512 << 20,
  /** Characters of all cells together (an XLSX can repeat one shared string in every cell). */
  totalChars: 128 << 20,
} as const;

export type IngestLimits = { [K in keyof typeof INGEST_LIMITS]: number };

export function megabytes(n: number): string {
  return `${(n / (1 << 20)).toFixed(n < 1 << 20 ? 2 : 0)} MB`;
}

/** Where an oversize cell sits, as the operator will find it: `Row 7, column "remark"` or `Cell B8 (row 8, column B)`. */
export type CellPlace = string;

export function cellTooLarge(place: CellPlace, limits: IngestLimits = INGEST_LIMITS): BatchFileError {
  return new BatchFileError(
    'too_large',
    `${place}: the cell holds more than ${megabytes(limits.cellChars)} of text, the limit for one cell. Is this the right file?`,
  );
}

export function rowTooLarge(place: CellPlace, limits: IngestLimits = INGEST_LIMITS): BatchFileError {
  return new BatchFileError(
    'too_large',
    `${place}: the row holds more than ${megabytes(limits.rowChars)} of text, the limit for one row. Is this the right file?`,
  );
}

export function totalTooLarge(what: string, limit: number): BatchFileError {
  return new BatchFileError('too_large', `The file is too large: ${what} over the ${megabytes(limit)} limit for a batch file.`);
}

/** A spreadsheet cell's name: column 1, row 8 is "A8". */
export function cellName(column: number, row: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${row}`;
}

export function sheetPlace(ref: string): CellPlace {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  return m ? `Cell ${ref} (row ${m[2]}, column ${m[1]})` : `Cell ${ref}`;
}
