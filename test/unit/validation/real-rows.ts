// The real batch exports beside the repo (../shared/data/iic), read with a minimal RFC-4180 reader.
// They are never copied into the repo; tests that need them skip with a clear message when absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const IIC_DIR = path.resolve(repoRoot, '../shared/data/iic');
export const SKIP_MESSAGE = `real batch exports not found at ${IIC_DIR} (../shared beside the repo): skipping real-row tests`;

/** Parse RFC-4180 CSV text (quoted cells, doubled quotes, CRLF or LF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endCell();
      rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** The rows of a real export as header→cell records, or null when the file is absent. */
export function realRows(file: string): Record<string, string>[] | null {
  const full = path.join(IIC_DIR, file);
  if (!existsSync(full)) return null;
  const [header, ...rows] = parseCsv(readFileSync(full, 'utf8'));
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}
