// Reads a CSV batch file as a stream of chunks: UTF-8 (BOM or not), falling back to Windows-1252
// (a superset of latin-1) when the bytes are not valid UTF-8 (DOMAIN.md §1).
import { createReadStream } from 'node:fs';
import type { BatchEncoding } from '../../shared/batch';
import { BatchFileError } from './batch-file-error';
import { CsvParser, CsvSyntaxError } from './csv-parser';
import { isBlankRecord, type RawTable } from './raw-table';

const CHUNK_BYTES = 1 << 20;

class NotUtf8 extends Error {}

export async function readCsv(file: string): Promise<RawTable> {
  try {
    return await parseAs(file, 'utf-8');
  } catch (err) {
    if (err instanceof NotUtf8) return parseAs(file, 'windows-1252');
    throw err;
  }
}

async function parseAs(file: string, label: 'utf-8' | 'windows-1252'): Promise<RawTable> {
  // fatal: a byte sequence that isn't UTF-8 throws, and we start over as Windows-1252.
  const decoder = new TextDecoder(label, { fatal: label === 'utf-8' });
  const parser = new CsvParser();
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
    throw err;
  }
  if (columns === null) throw new BatchFileError('empty', 'The file is empty: it has no header row and no data.');
  return { format: 'csv', encoding, columns, rows };
}
