// Reading batch files from disk: encodings, XLSX (with dates), and the refusals (docs/domain.md §1).
import ExcelJS from 'exceljs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchFileError } from '../../../electron/batch/ingest/batch-file-error';
import { loadBatch, readTable } from '../../../electron/batch/ingest/load-batch';
import { EXPORT_COLUMNS, csvText, rowCells, syntheticRow } from '../../fixtures/generate-batch';
import { seededRng } from '../../../electron/engine/rng';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ingest-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

async function refusal(p: string): Promise<BatchFileError> {
  const err = await loadBatch(p).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BatchFileError);
  return err as BatchFileError;
}

const rows = (n: number, seed = 3) => {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => syntheticRow(rng, i + 1));
};

describe('CSV encodings', () => {
  it('reads UTF-8 with a BOM and CRLF line ends; the BOM is not part of the first column name', async () => {
    const data = rows(3);
    data[0]!.activity_name = 'Workshop on “Design” – café';
    const p = await file('bom.csv', csvText(EXPORT_COLUMNS, data.map(rowCells), { bom: true, eol: '\r\n' }));
    const t = await readTable(p);
    expect(t.encoding).toBe('utf-8-bom');
    expect(t.columns[0]).toBe('id');
    const b = await loadBatch(p);
    expect(b.submissions.map((s) => s.id)).toEqual(data.map((r) => r.id));
    expect(b.submissions[0]!.title).toBe('Workshop on “Design” – café');
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', async () => {
    const data = rows(2);
    data[1]!.activity_name = 'Séminaire “Innovation” – Zürich';
    const text = csvText(EXPORT_COLUMNS, data.map(rowCells));
    // Encode as cp1252 by hand: é=E9, ü=FC, “=93, ”=94, –=96.
    const cp1252: Record<string, number> = { é: 0xe9, ü: 0xfc, '“': 0x93, '”': 0x94, '–': 0x96 };
    const bytes = Buffer.from([...text].map((ch) => cp1252[ch] ?? ch.charCodeAt(0)));
    const p = await file('cp1252.csv', bytes);
    const t = await readTable(p);
    expect(t.encoding).toBe('windows-1252');
    expect((await loadBatch(p)).submissions[1]!.title).toBe('Séminaire “Innovation” – Zürich');
  });

  it('keeps titles with quoted commas and line breaks in one row', async () => {
    const data = rows(3);
    data[1]!.activity_name = 'Hackathon, Day 1\nand "Day 2"';
    const p = await file('multiline.csv', csvText(EXPORT_COLUMNS, data.map(rowCells)));
    const b = await loadBatch(p);
    expect(b.table.rows).toHaveLength(3);
    expect(b.submissions[1]!.title).toBe('Hackathon, Day 1\nand "Day 2"');
    expect(b.submissions[2]!.row).toBe(3);
  });

  it('reports ragged rows and reads missing cells as empty', async () => {
    const data = rows(3).map(rowCells);
    data[1] = data[1]!.slice(0, 40); // photo paths etc. cut off
    data[2] = [...data[2]!, 'extra'];
    const b = await loadBatch(await file('ragged.csv', csvText(EXPORT_COLUMNS, data)));
    const ragged = b.problems.filter((p) => p.kind === 'ragged_row');
    expect(ragged.map((p) => p.row)).toEqual([2, 3]);
    expect(ragged[0]!.message).toMatch(/40 cells but the header has 55/);
    expect(b.submissions[1]!.durationHours).toBeNull();
    expect(b.table.rows[2]).toHaveLength(56); // the original cells are kept for export
  });

  it('skips blank lines, so row numbers count data rows', async () => {
    const text = csvText(EXPORT_COLUMNS, rows(2).map(rowCells)).replace(/\n(?=\d)/, '\n\n,,,\n');
    const b = await loadBatch(await file('blank-lines.csv', text));
    expect(b.submissions.map((s) => s.row)).toEqual([1, 2]);
  });
});

describe('XLSX', () => {
  it('reads the first sheet, with date cells and bare date serials as dates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Events');
    wb.addWorksheet('Other').addRow(['not', 'read']);
    const data = rows(2);
    ws.addRow([...EXPORT_COLUMNS]);
    for (const r of data) ws.addRow(rowCells(r));
    const from = EXPORT_COLUMNS.indexOf('from_date') + 1;
    const to = EXPORT_COLUMNS.indexOf('to_date') + 1;
    const dur = EXPORT_COLUMNS.indexOf('activity_duration') + 1;
    const stud = EXPORT_COLUMNS.indexOf('student_participants') + 1;
    const row2 = ws.getRow(2);
    row2.getCell(from).value = new Date(Date.UTC(2024, 9, 24));
    row2.getCell(from).numFmt = 'dd/mm/yyyy';
    row2.getCell(to).value = 45590; // an Excel serial without a date format: 2024-10-25
    row2.getCell(dur).value = 3.5;
    row2.getCell(stud).value = { richText: [{ text: '4' }, { text: '2' }] };
    ws.getRow(3).getCell(stud).value = { formula: '20+5', result: 25 };
    const p = path.join(dir, 'batch.xlsx');
    await wb.xlsx.writeFile(p);

    const b = await loadBatch(p);
    expect(b.table.format).toBe('xlsx');
    expect(b.table.columns).toEqual([...EXPORT_COLUMNS]);
    expect(b.submissions).toHaveLength(2);
    expect(b.submissions[0]!.fromDate).toBe('2024-10-24');
    expect(b.table.rows[0]![to - 1]).toBe('2024-10-25');
    expect(b.submissions[0]!.durationHours).toBe(3.5);
    expect(b.submissions[0]!.participants).toBe(42 + Number(data[0]!.faculty_participants));
    expect(b.submissions[1]!.participants).toBe(25 + Number(data[1]!.faculty_participants));
    expect(b.submissions[1]!.title).toBe(data[1]!.activity_name);
  });

  it('refuses a file named .xlsx that is not a workbook, and an old binary .xls', async () => {
    expect((await refusal(await file('fake.xlsx', 'id,activity_name\n1,x\n'))).code).toBe('unreadable');
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(64)]);
    const err = await refusal(await file('old.xls', xls));
    expect(err.code).toBe('unsupported_format');
    expect(err.message).toMatch(/\.xls.*Save it as \.xlsx or \.csv/);
  });
});

describe('refused files', () => {
  it('an empty file', async () => {
    expect((await refusal(await file('empty.csv', ''))).code).toBe('empty');
    expect((await refusal(await file('blank.csv', '\n\r\n\n'))).code).toBe('empty');
  });

  it('a header with no data rows', async () => {
    const err = await refusal(await file('header-only.csv', EXPORT_COLUMNS.join(',') + '\n'));
    expect(err.code).toBe('empty');
    expect(err.message).toMatch(/no data rows/);
  });

  it('a header with none of the required columns, naming them', async () => {
    const err = await refusal(await file('wrong.csv', 'name,email\nA,a@example.org\n'));
    expect(err.code).toBe('missing_columns');
    for (const c of ['activity_name', 'event_theme', 'event_type', 'activity_duration', 'session_type', 'report', 'photo1']) {
      expect(err.message).toContain(c);
    }
  });

  it('a title line above the header: says the header looks like it is on line 2', async () => {
    const rng = seededRng(7);
    const rows = [1, 2].map((n) => rowCells(syntheticRow(rng, n)));
    const body = csvText(EXPORT_COLUMNS, rows);
    const err = await refusal(await file('titled.csv', `IIC events December 2025\n${body}`));
    expect(err.code).toBe('missing_columns');
    expect(err.message).toBe(
      'The header looks like it is on line 2: line 1 reads "IIC events December 2025", not column names. ' +
        'Delete line 1 so that the header is the first line, and load the file again; nothing was run.',
    );
    const two = await refusal(await file('titled-twice.csv', `IIC events\nDecember 2025\n${body}`));
    expect(two.message).toMatch(/^The header looks like it is on line 3: .* Delete lines 1 to 2 /);
  });

  it('a file that does not exist', async () => {
    expect((await refusal(path.join(dir, 'nope.csv'))).code).toBe('unreadable');
  });

  it('an unterminated quoted field', async () => {
    const err = await refusal(await file('open-quote.csv', 'id,activity_name,report\n1,"never closed,x.pdf\n2,b,y.pdf\n'));
    expect(err.code).toBe('malformed');
    expect(err.message).toMatch(/never closed/);
  });
});
