// The CSV flavour of the export: RFC 4180 (CRLF line ends, quotes doubled), UTF-8 with a BOM so Excel reads it as UTF-8.
import type { ExportCell, ExportTable } from './export-table';

function csvCell(v: ExportCell): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: ExportTable): Buffer {
  const lines = [table.header, ...table.rows].map((r) => r.map(csvCell).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8')]);
}
