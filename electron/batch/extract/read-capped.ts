// Reads an attachment's bytes with the checks that come before any parsing: it exists, it isn't empty,
// and it isn't bigger than the cap (a huge file is refused from its size, without reading it).
import { readFile, stat } from 'node:fs/promises';
import { failure, type ExtractFailure } from './extract-failure';

export async function readCapped(file: string, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | ExtractFailure> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) return failure('missing', 'the file is not a regular file');
    size = s.size;
  } catch {
    return failure('missing', 'the file does not exist');
  }
  if (size === 0) return failure('empty', 'the file is empty (0 bytes)');
  if (size > maxBytes) return failure('too_large', `the file is ${megabytes(size)}, over the ${megabytes(maxBytes)} limit`);
  const bytes = await readFile(file);
  if (bytes.length === 0) return failure('empty', 'the file is empty (0 bytes)');
  return { ok: true, bytes };
}

function megabytes(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
