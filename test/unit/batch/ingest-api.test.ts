// previewBatch / readBatch: parsing runs in a worker thread, both under vitest and under tsx (the CLI),
// the real exports ingest cleanly, and a 37,000-row file previews while the main event loop keeps running.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchFileError } from '../../../electron/batch/ingest/batch-file-error';
import { previewBatch, readBatch } from '../../../electron/batch/ingest/ingest';
import { EXPORT_COLUMNS, csvText, generateBatchCsv, writeBatchCsv } from '../../fixtures/generate-batch';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const IIC = path.resolve(repoRoot, '../shared/data/iic');
const HAVE_IIC = existsSync(path.join(IIC, 'test_data_10.csv')) && existsSync(path.join(IIC, 'test_data_500_from_200.csv'));
if (!HAVE_IIC) console.warn(`real batch exports not found at ${IIC} (../shared beside the repo): skipping real-export ingest tests`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ingest-api-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_IIC)('the real exports', () => {
  it('test_data_10.csv: 5 rows, 55 columns, fields as written in the file', async () => {
    const b = await readBatch(path.join(IIC, 'test_data_10.csv'));
    expect(b.columns).toHaveLength(55);
    expect(b.rows).toHaveLength(5);
    expect(b.problems).toEqual([]);
    expect(b.submissions.map((s) => s.id)).toEqual(['310279', '310766', '314706', '316587', '318387']);
    const third = b.submissions[2]!;
    expect(third).toMatchObject({
      title: 'Workshop on “Entrepreneurship and Innovation as Career Opportunity”',
      eventType: 'Level 1 - Expert Talk',
      declaredLevel: 1,
      durationHours: 1,
      participants: 213 + 22,
      mode: 'online',
      eventDriven: 1,
      reportPath: 'uploads-2024-25/institutes/monthlyReport/report/9632-30122024091234-IC201810001.pdf',
    });
    expect(b.submissions[3]!.photoPaths).toEqual(['/monthlyReport/Photograph1/2073-IC201810001.png']); // photo2 is "0"
    expect(b.submissions.reduce((n, s) => n + s.participants, 0)).toBe(432);
    expect(b.submissions.reduce((n, s) => n + s.photoPaths.length, 0)).toBe(9);
  });

  it('test_data_500_from_200.csv: 500 rows; its 56th header cell (review_request) lines up, so it is not refused', async () => {
    const p = await previewBatch(path.join(IIC, 'test_data_500_from_200.csv'));
    expect(p.refusal).toBeNull();
    expect(p.rowCount).toBe(500);
    expect(p.columns).toHaveLength(56);
    expect(p.columns.at(-1)).toBe('review_request');
    expect(p.problemCount).toBe(0);
    expect(p.mapping.filter((m) => m.column === null)).toEqual([]);
    expect(p.firstRows[0]).toMatchObject({ id: '317862', title: 'Good Governance Quiz', durationHours: 3.5, participants: 840, mode: 'online' });

    const b = await readBatch(path.join(IIC, 'test_data_500_from_200.csv'));
    expect(new Set(b.submissions.map((s) => s.id)).size).toBe(500);
    expect(b.submissions.every((s) => /^\d+$/.test(s.id))).toBe(true);
    expect(b.submissions.reduce((n, s) => n + s.participants, 0)).toBe(54416);
    expect(b.submissions.reduce((n, s) => n + s.photoPaths.length, 0)).toBe(937);
    expect(b.submissions.filter((s) => s.mode === 'online')).toHaveLength(37);
    expect(b.submissions[499]).toMatchObject({ id: '365661', eventType: 'Level 4 - Workshop', durationHours: 20, participants: 166 });
    expect(b.rows[250]![b.columns.indexOf('activity_name')]).toBe('One-Day Corporate Visit');
  });

  it('the 500-row export with its header shifted by one cell is refused with an explanation', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(path.join(IIC, 'test_data_500_from_200.csv'), 'utf8');
    const shifted = path.join(dir, 'shifted.csv');
    await writeFile(shifted, 'index,' + text); // an extra header cell: every value now sits under the wrong name
    const p = await previewBatch(shifted);
    expect(p.refusalCode).toBe('misaligned');
    expect(p.refusal).toMatch(/one column to the left/);
    expect(p.refusal).toMatch(/"id" holds values like "IC\d+"/);
    await expect(readBatch(shifted)).rejects.toMatchObject({ name: 'BatchFileError', code: 'misaligned' });
  });
});

describe('previewBatch', () => {
  it('shows the mapping, the first rows and the problems, with an attachment count', async () => {
    const file = path.join(dir, 'small.csv');
    const text = generateBatchCsv(30, 5).replace(/\n300003,/, '\n300002,'); // row 3 repeats row 2's id
    await writeFile(file, text);
    const root = path.join(dir, 'att');
    await mkdir(path.join(root, 'monthlyReport', 'report'), { recursive: true });
    const b = await readBatch(file);
    await writeFile(path.join(root, b.submissions[0]!.reportPath!.slice(1)), '%PDF-1.4');

    const p = await previewBatch(file, { attachmentsRoot: root });
    expect(p.format).toBe('csv');
    expect(p.encoding).toBe('utf-8');
    expect(p.rowCount).toBe(30);
    expect(p.firstRows).toHaveLength(20);
    expect(p.mapping.find((m) => m.field === 'title')).toEqual({ field: 'title', column: 'activity_name', required: true });
    expect(p.problems).toEqual([expect.objectContaining({ kind: 'duplicate_id', row: 3 })]);
    expect(p.firstRows[2]!.id).toBe('300002~row3');
    expect(p.attachments).toMatchObject({ reportsFound: 1, reportsMissing: 29, photosFound: 0 });
  });

  it('returns a refusal (not a throw) for a file without required columns; readBatch throws BatchFileError', async () => {
    const file = path.join(dir, 'other.csv');
    await writeFile(file, 'name,email\nA,a@example.org\n');
    const p = await previewBatch(file);
    expect(p.refusalCode).toBe('missing_columns');
    expect(p.refusal).toMatch(/Missing: activity_name, Objective, benefit_learning/);
    const err = await readBatch(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchFileError);
    expect((err as BatchFileError).code).toBe('missing_columns');
  });

  it('works under tsx, as the CLI runs it (bin/event-validator.mjs registers tsx the same way)', async () => {
    const file = path.join(dir, 'cli.csv');
    await writeFile(file, csvText(EXPORT_COLUMNS, []) + generateBatchCsv(4, 9).split('\n').slice(1).join('\n'));
    const ingest = pathToFileURL(path.join(repoRoot, 'electron/batch/ingest/ingest.ts')).href;
    const code =
      `import { register } from 'tsx/esm/api';\nregister();\n` +
      `const { previewBatch } = await import(${JSON.stringify(ingest)});\n` +
      `const p = await previewBatch(${JSON.stringify(file)});\nconsole.log(JSON.stringify({ rows: p.rowCount, id: p.firstRows[0].id }));\n`;
    // Run from the repo root so 'tsx/esm/api' resolves as it does for bin/event-validator.mjs.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ rows: 4, id: '300001' });
  });

  it('previews a 37,000-row file off the main thread: the main event loop keeps ticking meanwhile', async () => {
    const file = path.join(dir, 'big.csv');
    await writeBatchCsv(file, 37_000, 42);
    let ticks = 0;
    let ticksWhilePending = 0;
    let pending = true;
    const timer = setInterval(() => {
      ticks++;
      if (pending) ticksWhilePending++;
    }, 5);
    const p = await previewBatch(file);
    pending = false;
    clearInterval(timer);
    expect(p.refusal).toBeNull();
    expect(p.rowCount).toBe(37_000);
    expect(p.problemCount).toBe(0);
    // Parsing 22 MB takes hundreds of ms; had it run on this thread, the timer could not have fired in between.
    expect(ticksWhilePending).toBeGreaterThanOrEqual(10);
    expect(ticks).toBe(ticksWhilePending);
  });
});
