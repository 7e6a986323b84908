// Poison-pill batch files: cells, rows and totals past the caps are refused with a message naming where, before they
// are held in memory; folders, pipes and devices are refused from their type; UTF-16/UTF-32 text says so.
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchFileError } from '../../../electron/batch/ingest/batch-file-error';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { INGEST_LIMITS, cellName } from '../../../electron/batch/ingest/ingest-limits';
import { readXlsx } from '../../../electron/batch/ingest/ingest-xlsx';
import { loadBatch } from '../../../electron/batch/ingest/load-batch';
import { xlsxBomb } from './xlsx-bomb';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ingest-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = { ...INGEST_LIMITS, cellChars: 100, rowChars: 250 };

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

async function refused(p: Promise<unknown>): Promise<BatchFileError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BatchFileError);
  return err as BatchFileError;
}

describe('CSV caps', () => {
  it('a cell over the cap is refused naming its data row and column, counting past blank lines', async () => {
    const f = await file('cell.csv', `id,remark\n1,ok\n\n2,${'x'.repeat(101)}\n3,never read\n`);
    const e = await refused(readCsv(f, small));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/^Row 2, column "remark": the cell holds more than 0\.00 MB of text, the limit for one cell/);
  });

  it('a quoted cell over the cap, split across chunks, is refused before the rest is read', async () => {
    const f = await file('quoted.csv', `id,remark\n1,"${'y'.repeat(3 << 20)}"\n`);
    const e = await refused(readCsv(f));
    expect(e.message).toMatch(/^Row 1, column "remark": the cell holds more than 1 MB of text, the limit for one cell/);
  });

  it('a row over the cap and a header cell over the cap', async () => {
    const row = await refused(readCsv(await file('row.csv', `a,b,c\n${'z'.repeat(90)},${'z'.repeat(90)},${'z'.repeat(90)}\n`), small));
    expect(row.message).toMatch(/^Row 1, column "c": the row holds more than/);
    const header = await refused(readCsv(await file('header.csv', `${'h'.repeat(101)},b\n1,2\n`), small));
    expect(header.message).toMatch(/^The header, column 1: the cell holds more than/);
  });

  it('a file over the size cap is refused from its size', async () => {
    const e = await refused(readCsv(await file('big.csv', `id,remark\n${'1,abc\n'.repeat(200)}`), { ...INGEST_LIMITS, csvBytes: 1000 }));
    expect(e.message).toMatch(/^The file is too large: it is 0\.00 MB, over the 0\.00 MB limit/);
  });

  it('files under every cap read as before', async () => {
    const t = await readCsv(await file('fine.csv', `id,remark\n1,${'x'.repeat(100)}\n`), small);
    expect(t.rows).toEqual([['1', 'x'.repeat(100)]]);
  });
});

describe('XLSX caps', () => {
  it('a zip bomb (8 MB cell in a few KB), inline or shared, is refused naming the cell, before exceljs reads it', async () => {
    for (const shared of [false, true]) {
      const f = path.join(dir, `bomb-${shared}.xlsx`);
      await xlsxBomb(f, 8, shared);
      expect((await stat(f)).size).toBeLessThan(64 << 10);
      const e = await refused(readXlsx(f));
      expect(e.code).toBe('too_large');
      expect(e.message).toMatch(/^Cell B2 \(row 2, column B\): the cell holds more than 1 MB of text/);
    }
  });

  it('the unzipped size cap', async () => {
    const f = path.join(dir, 'unzipped.xlsx');
    await xlsxBomb(f, 2, true);
    const e = await refused(readXlsx(f, { ...INGEST_LIMITS, cellChars: 16 << 20, xlsxUnzippedBytes: 1 << 20 }));
    expect(e.message).toMatch(/^The file is too large: it unzips to more than 1 MB/);
  });

  async function workbook(name: string, rows: string[][]): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    for (const r of rows) ws.addRow(r);
    const p = path.join(dir, name);
    await wb.xlsx.writeFile(p);
    return p;
  }

  it('cells, rows and total text past the caps, as exceljs reads them', async () => {
    const cell = await refused(
      readXlsx(
        await workbook('cell.xlsx', [
          ['id', 'remark'],
          ['1', 'ok'],
          ['2', 'w'.repeat(101)],
        ]),
        small,
      ),
    );
    expect(cell.message).toMatch(/^Cell B3 \(row 3, column B\): the cell holds more than/);
    const row = await refused(
      readXlsx(
        await workbook('row.xlsx', [
          ['a', 'b', 'c'],
          ['v'.repeat(90), 'v'.repeat(90), 'v'.repeat(90)],
        ]),
        small,
      ),
    );
    expect(row.message).toMatch(/^Row 2 of the sheet: the row holds more than/);
    // One short shared string in many cells: small on disk, large in memory.
    const many = await workbook('many.xlsx', [['a', 'b'], ...Array.from({ length: 50 }, () => ['same text', 'same text'])]);
    const total = await refused(readXlsx(many, { ...INGEST_LIMITS, totalChars: 500 }));
    expect(total.message).toMatch(/^The file is too large: its cells hold more than 500 characters/);
    expect((await readXlsx(many)).rows).toHaveLength(50);
  });

  it('names cells past column Z', () => {
    expect([cellName(1, 2), cellName(26, 3), cellName(27, 4), cellName(703, 5)]).toEqual(['A2', 'Z3', 'AA4', 'AAA5']);
  });
});

describe('not a regular file, or not UTF-8/Windows-1252 text', () => {
  it('a folder, a FIFO and /dev/zero are refused from their type (no hang, no raw EISDIR)', async () => {
    const folder = path.join(dir, 'folder.csv');
    mkdirSync(folder);
    expect((await refused(loadBatch(folder))).message).toMatch(/folder\.csv is a folder, not a batch file/);
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect((await refused(loadBatch(fifo))).message).toMatch(/pipe\.csv is not a regular file \(a pipe, socket or device\)/);
    expect((await refused(loadBatch('/dev/zero'))).message).toMatch(/\/dev\/zero is not a regular file/);
  });

  it('UTF-16 (either byte order, with or without a BOM) and UTF-32 are named, with what to do', async () => {
    const csv = 'id,activity_name\n1,x\n';
    const le = Buffer.from(csv, 'utf16le');
    const be = Buffer.from(le).swap16();
    const bom = (b: number[], body: Buffer) => Buffer.concat([Buffer.from(b), body]);
    const u32 = Buffer.alloc(csv.length * 4);
    for (let i = 0; i < csv.length; i++) u32.writeUInt32LE(csv.charCodeAt(i), i * 4);
    const cases: Array<[string, Buffer, string]> = [
      ['le-bom.csv', bom([0xff, 0xfe], le), 'UTF-16'],
      ['be-bom.csv', bom([0xfe, 0xff], be), 'UTF-16'],
      ['le.csv', le, 'UTF-16'],
      ['u32-bom.csv', bom([0xff, 0xfe, 0, 0], u32), 'UTF-32'],
      ['u32.csv', u32, 'UTF-32'],
    ];
    for (const [name, bytes, enc] of cases) {
      const e = await refused(loadBatch(await file(name, bytes)));
      expect(e.code, name).toBe('unsupported_format');
      expect(e.message, name).toBe(`${name} is ${enc} text, which is not supported: save it as CSV UTF-8 and load it again.`);
    }
  });
});
