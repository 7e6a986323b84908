// Hostile input, property-based (fast-check): arbitrary CSV structure and cells, raw bytes, arbitrary workbook
// contents, mutated PDFs and images, and arbitrary attachment paths next to links that lead out of the root. Never a
// crash: every case ends in contents / facts, or in a BatchFileError / ExtractFailure / refusal with a clear message,
// and no path outside the attachments root is ever returned. (The named failure modes are unit-tested in
// test/unit/batch; this adds the fuzzing.)
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttachmentResolver } from '../../electron/batch/attachments/attachments';
import { BatchFileError } from '../../electron/batch/ingest/batch-file-error';
import { prepareImage } from '../../electron/batch/extract/extract-image';
import { extractPdf } from '../../electron/batch/extract/extract-pdf';
import { previewBatch, readBatch } from '../../electron/batch/ingest/ingest';
import { loadBatch } from '../../electron/batch/ingest/load-batch';
import { csvText, EXPORT_COLUMNS, generateBatchCsv } from '../fixtures/generate-batch';
import { recordFigures } from './figures';
import { BIG, soakTimeout } from './soak-scale';

/** Each ingest call starts a worker thread: keep CI runs modest. */
const FILE_RUNS = BIG ? 100 : 5;
/** The same parse and mapping in this thread (what the worker runs), for many more cases per second. */
const CORE_RUNS = BIG ? 2_000 : 150;
const BYTE_RUNS = BIG ? 300 : 40;
/** Guards against a hang: the CI timeout times the soak's extra work (worker-thread file runs dominate), and the load. */
const FILE_TIMEOUT = soakTimeout(300_000, 100 / 5);
const BYTE_TIMEOUT = soakTimeout(300_000, 300 / 40);
const PATH_TIMEOUT = soakTimeout(300_000, 3_000 / 500);
const SHORT_TIMEOUT = soakTimeout(60_000);

let dir: string;
let seq = 0;
/** Hostile inputs tried, by kind, for the reliability figures. */
const tried: Record<string, number> = {};
const KIND_OF_EXT: Record<string, string> = { '.csv': 'CSV batch files', '.xlsx': 'XLSX workbooks', '.pdf': 'PDF attachments' };
const count = (kind: string) => (tried[kind] = (tried[kind] ?? 0) + 1);
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-hostile-'));
});
afterAll(async () => {
  recordFigures({ scenario: 'hostile-input', submissions: 0, hostile: tried });
  await rm(dir, { recursive: true, force: true });
});

async function tmpFile(ext: string, bytes: Uint8Array | string): Promise<string> {
  count(KIND_OF_EXT[ext] ?? 'images (JPEG, PNG, PNG bombs)');
  const p = path.join(dir, `f${seq++}${ext}`);
  await writeFile(p, bytes);
  return p;
}

/** A message an operator can act on: a sentence, not a stack trace or "undefined". */
function clearMessage(m: unknown): void {
  expect(typeof m).toBe('string');
  expect((m as string).trim().length).toBeGreaterThan(5);
  expect(m).not.toMatch(/undefined|\[object Object\]|^\s*at /);
}

/** Preview and read agree: a refusal in one is a BatchFileError in the other, and nothing else ever escapes. */
async function ingestBehaves(file: string): Promise<void> {
  const preview = await previewBatch(file);
  if (preview.refusal !== null) {
    clearMessage(preview.refusal);
    expect(preview.refusalCode).not.toBeNull();
  } else {
    expect(preview.rowCount).toBeGreaterThan(0);
    for (const p of preview.problems) clearMessage((p as { message?: string }).message ?? JSON.stringify(p));
  }
  const read = await readBatch(file).then(
    (c) => ({ ok: true as const, c }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (read.ok) {
    expect(preview.refusal).toBeNull();
    expect(read.c.submissions.length).toBe(preview.rowCount);
    expect(read.c.rows.length).toBe(read.c.submissions.length);
  } else {
    expect(read.e).toBeInstanceOf(BatchFileError);
    clearMessage((read.e as Error).message);
    expect(preview.refusal).not.toBeNull();
  }
}

/** The worker's core, in-process: mapped rows, or a BatchFileError with a clear message. */
async function coreBehaves(file: string): Promise<void> {
  const r = await loadBatch(file).then(
    (b) => ({ ok: true as const, b }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (r.ok) expect(r.b.submissions.length).toBe(r.b.table.rows.length);
  else {
    expect(r.e).toBeInstanceOf(BatchFileError);
    clearMessage((r.e as Error).message);
  }
}

// Cells that break naive parsers: quotes, separators, every line end, NUL, BOMs, formulas, very long text.
const nastyCell = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('"', '""', '","', '\r', '\n', '\r\n', '\u0000', '\uFEFF', '=cmd|" /C calc"!A0', '-1e309', 'NaN', '  ', '\\', 'ﬀ\u202E'),
  fc.string({ maxLength: 5 }).map((s) => s.repeat(2_000)),
);
const header = fc.oneof(
  fc.constant([...EXPORT_COLUMNS] as string[]),
  fc.shuffledSubarray([...EXPORT_COLUMNS]),
  fc.array(fc.oneof(fc.constantFrom(...EXPORT_COLUMNS), nastyCell), { minLength: 0, maxLength: 60 }),
);
const table = header.chain((cols) =>
  fc.record({
    cols: fc.constant(cols),
    rows: fc.array(fc.array(nastyCell, { minLength: 0, maxLength: cols.length + 3 }), { maxLength: 8 }),
    bom: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
  }),
);

describe('hostile batch files', () => {
  it(
    'arbitrary CSV structure and cells: a preview or a clear refusal, never a crash',
    async () => {
      await fc.assert(
        fc.asyncProperty(table, async ({ cols, rows, bom, eol }) => {
          await coreBehaves(await tmpFile('.csv', csvText(cols, rows, { bom, eol })));
        }),
        { numRuns: CORE_RUNS },
      );
      await fc.assert(
        fc.asyncProperty(table, async ({ cols, rows, bom, eol }) => {
          await ingestBehaves(await tmpFile('.csv', csvText(cols, rows, { bom, eol })));
        }),
        { numRuns: FILE_RUNS },
      );
    },
    FILE_TIMEOUT,
  );

  it(
    'real rows with random bytes flipped, cut or inserted, and pure random bytes',
    async () => {
      const good = Buffer.from(generateBatchCsv(5, 3), 'utf8');
      const mutated = fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }),
        fc
          .record({ at: fc.nat(good.length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }), cut: fc.boolean() })
          .map(({ at, bytes, cut }) =>
            cut ? Buffer.concat([good.subarray(0, at), bytes]) : Buffer.concat([good.subarray(0, at), bytes, good.subarray(at + bytes.length)]),
          ),
      );
      await fc.assert(
        fc.asyncProperty(mutated, async (bytes) => {
          await coreBehaves(await tmpFile('.csv', bytes));
        }),
        { numRuns: CORE_RUNS },
      );
      await fc.assert(
        fc.asyncProperty(mutated, async (bytes) => {
          await ingestBehaves(await tmpFile('.csv', bytes));
        }),
        { numRuns: FILE_RUNS },
      );
    },
    FILE_TIMEOUT,
  );

  it(
    'arbitrary workbook contents (strings, numbers, dates, booleans, empty cells)',
    async () => {
      const cell = fc.oneof(
        nastyCell.map((c) => c.replaceAll('\u0000', '')),
        fc.double(),
        fc.date({ noInvalidDate: true }),
        fc.boolean(),
        fc.constant(null),
      );
      const workbook = fc.record({
        cols: header.map((h) => h.map((c) => c.replaceAll('\u0000', ''))),
        rows: fc.array(fc.array(cell, { maxLength: 60 }), { maxLength: 6 }),
      });
      const write = async ({ cols, rows }: { cols: string[]; rows: unknown[][] }) => {
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('Sheet1');
        ws.addRow(cols);
        for (const r of rows) ws.addRow(r as ExcelJS.CellValue[]);
        return tmpFile('.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
      };
      await fc.assert(
        fc.asyncProperty(workbook, async (w) => coreBehaves(await write(w))),
        { numRuns: BIG ? 300 : 30 },
      );
      await fc.assert(
        fc.asyncProperty(workbook, async (w) => ingestBehaves(await write(w))),
        { numRuns: FILE_RUNS },
      );
    },
    FILE_TIMEOUT,
  );

  // exceljs's stream reader hands a formula whose cached result is an error over without any result.
  it('a formula cell with an error result reads as an empty cell, not "[object Object]"', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow([...EXPORT_COLUMNS]);
    ws.addRow([{ formula: '1/0', result: { error: '#DIV/0!' } }, '7'] as ExcelJS.CellValue[]);
    const file = await tmpFile('.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const b = await loadBatch(file);
    expect(b.table.rows[0]?.[0]).toBe('');
  });

  // Six bytes overwritten at the start of xl/styles.xml's compressed data leave exceljs's stream reader pending
  // forever; the worker exits unanswered, which must still end in a refusal, not a bare error.
  it(
    'a workbook whose styles part is corrupt is refused with a clear message',
    async () => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('Sheet1').addRow(['id', 'activity_name', 'event_theme']);
      const b = Buffer.from(await wb.xlsx.writeBuffer());
      const name = b.indexOf('xl/styles.xml');
      Buffer.from([0x94, 0x12, 0xf4, 0x40, 0x83, 0x39]).copy(b, name + 'xl/styles.xml'.length + b.readUInt16LE(name - 2) + 1);
      await ingestBehaves(await tmpFile('.xlsx', b));
    },
    SHORT_TIMEOUT,
  );
});

/** Flip, cut or splice bytes of a valid file. */
function mutate(good: Uint8Array) {
  return fc
    .record({
      at: fc.nat(good.length - 1),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      how: fc.constantFrom('overwrite', 'cut', 'insert'),
    })
    .map(({ at, bytes, how }) => {
      const b = Buffer.from(good);
      if (how === 'cut') return b.subarray(0, at);
      if (how === 'insert') return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
      return Buffer.concat([b.subarray(0, at), bytes, b.subarray(Math.min(b.length, at + bytes.length))]);
    });
}

describe('hostile attachments', () => {
  it(
    'mutated PDFs: facts or a clear failure, never a throw',
    async () => {
      const doc = await PDFDocument.create();
      const font = await doc.embedFont(StandardFonts.Helvetica);
      doc.addPage([300, 300]).drawText('Expert talk on design thinking, 40 participants', { x: 20, y: 200, size: 10, font });
      const good = await doc.save({ useObjectStreams: false });
      await fc.assert(
        fc.asyncProperty(mutate(good), async (bytes) => {
          const r = await extractPdf(await tmpFile('.pdf', bytes));
          if (!r.ok) clearMessage(r.reason);
          else expect(r.pages).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: BYTE_RUNS },
      );
    },
    BYTE_TIMEOUT,
  );

  it(
    'mutated JPEGs and PNGs, and PNGs whose header declares huge dimensions: facts or a clear failure',
    async () => {
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
        .jpeg()
        .toBuffer();
      const png = await sharp({ create: { width: 64, height: 48, channels: 4, background: '#a36' } })
        .png()
        .toBuffer();
      // Overwrite the IHDR width/height (bytes 16..23) with up to 2^31-1 each: a decompression bomb's declaration.
      const bomb = fc.record({ w: fc.integer({ min: 1, max: 0x7fffffff }), h: fc.integer({ min: 1, max: 0x7fffffff }) }).map(({ w, h }) => {
        const b = Buffer.from(png);
        b.writeUInt32BE(w, 16);
        b.writeUInt32BE(h, 20);
        return b;
      });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            mutate(jpeg).map((b) => ['.jpg', b] as const),
            mutate(png).map((b) => ['.png', b] as const),
            bomb.map((b) => ['.png', b] as const),
          ),
          async ([ext, bytes]) => {
            const r = await prepareImage(await tmpFile(ext, bytes));
            if (!r.ok) clearMessage(r.reason);
            else expect(r.jpeg.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: BYTE_RUNS },
      );
    },
    BYTE_TIMEOUT,
  );

  it(
    'arbitrary attachment paths never resolve outside the root, even with links that lead out',
    async () => {
      const root = path.join(dir, 'root');
      const outside = path.join(dir, 'outside');
      await mkdir(path.join(root, 'uploads/institutes/r'), { recursive: true });
      await mkdir(outside, { recursive: true });
      await writeFile(path.join(outside, 'secret.pdf'), 'secret');
      await writeFile(path.join(root, 'uploads/institutes/r/report.pdf'), 'inside');
      await symlink(path.join(outside, 'secret.pdf'), path.join(root, 'link.pdf'));
      await symlink(outside, path.join(root, 'dir-link'));
      const resolver = await createAttachmentResolver(root);
      const segment = fc.oneof(
        fc.constantFrom(
          '..',
          '.',
          '',
          'link.pdf',
          'dir-link',
          'secret.pdf',
          'report.pdf',
          'uploads',
          'institutes',
          'r',
          '%2e%2e',
          '..\\..',
          'C:',
          '~',
          outside,
          root,
        ),
        fc.string({ unit: 'binary', maxLength: 12 }),
      );
      const raw = fc
        .tuple(fc.constantFrom('', '/', '\\', '//', 'file://', 'C:\\'), fc.array(segment, { maxLength: 6 }), fc.constantFrom('/', '\\'))
        .map(([lead, segs, sep]) => lead + segs.join(sep));
      await fc.assert(
        fc.asyncProperty(raw, fc.constantFrom(null, 1, 3, 4), async (p, eventDriven) => {
          count('attachment paths');
          const r = await resolver.resolve(p, eventDriven);
          if (r.ok) {
            expect(r.path === resolver.root || r.path.startsWith(resolver.root + path.sep)).toBe(true);
            expect(r.path.startsWith(outside)).toBe(false);
          } else clearMessage(r.reason);
        }),
        { numRuns: BIG ? 3_000 : 500 },
      );
    },
    PATH_TIMEOUT,
  );
});
