// Reads a CSV batch file as a stream of chunks: UTF-8 (BOM or not), falling back to Windows-1252
// (a superset of latin-1) when the bytes are not valid UTF-8 (docs/domain.md §1).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BatchEncoding } from '../../../shared/batch';
import { BatchFileError } from './batch-file-error';
import { CsvLimitError, CsvParser, CsvSyntaxError } from './csv-parser';
import { cellTooLarge, INGEST_LIMITS, megabytes, rowTooLarge, totalTooLarge, type IngestLimits } from './ingest-limits';
import { isBlankRecord, type RawTable } from './raw-table';

const CHUNK_BYTES = 1 << 20;

class NotUtf8 extends Error {}

export async function readCsv(file: string, limits: IngestLimits = INGEST_LIMITS): Promise<RawTable> {
  const { size } = await stat(file);
  if (size > limits.csvBytes) throw totalTooLarge(`it is ${megabytes(size)},`, limits.csvBytes);
  try {
    return await parseAs(file, 'utf-8', limits);
  } catch (err) {
    if (err instanceof NotUtf8) return parseAs(file, 'windows-1252', limits);
    throw err;
  }
}

async function parseAs(file: string, label: 'utf-8' | 'windows-1252', limits: IngestLimits): Promise<RawTable> {
  // fatal: a byte sequence that isn't UTF-8 throws, and we start over as Windows-1252.
  const decoder = new TextDecoder(label, { fatal: label === 'utf-8' });
  const parser = new CsvParser(limits);
  let columns: string[] | null = null;
  const rows: string[][] = [];
  let encoding: BatchEncoding = label === 'utf-8' ? 'utf-8' : 'windows-1252';
  let first = true;
  const take = (records: string[][]) => {
    for (const r of records) {
      if (isBlankRecord(r)) continue;
      // A BOM read as Windows-1252 (UTF-8 BOM, then invalid bytes later) shows up as "ï»¿": not part of the name.
      if (columns === null) columns = r.map((c, i) => (i === 0 ? c.replace(/^(\uFEFF|ï»¿)/, '') : c).trim());
      else rows.push(r);
    }
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if (label === 'utf-8' && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) encoding = 'utf-8-bom';
      }
      take(parser.push(decoder.decode(chunk, { stream: true })));
    }
    take(parser.push(decoder.decode()));
    take(parser.end());
  } catch (err) {
    if (err instanceof TypeError && label === 'utf-8' && (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw new NotUtf8();
    }
    if (err instanceof CsvSyntaxError) throw new BatchFileError('malformed', `The CSV file is malformed: ${err.message}.`);
    if (err instanceof CsvLimitError) {
      take(err.completed); // the records before it in the same chunk
      // Blank records before it were dropped, so the data row is the next one after those kept.
      const place = `${columns === null ? 'The header' : `Row ${rows.length + 1}`}, column ${csvColumn(columns, err.column)}`;
      throw err.kind === 'cell' ? cellTooLarge(place, limits) : rowTooLarge(place, limits);
    }
    throw err;
  }
  if (columns === null) throw new BatchFileError('empty', 'The file is empty: it has no header row and no data.');
  return { format: 'csv', encoding, columns, rows };
}

/** A column by its header name when it has one, else by its position. */
export function csvColumn(columns: readonly string[] | null, n: number): string {
  const name = columns?.[n - 1];
  return name ? `"${name}"` : `${n}`;
}
