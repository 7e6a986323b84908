// Bad input through the CLI: a batch file that can't be used is refused with exit 2 and a message naming the
// problem, and nothing is run; bad attachments only affect their own row, with a clear reason, and the batch goes on.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import {
  REOPEN_IMAGES,
  REOPEN_PDF,
  SAMPLE_ATTACHMENTS,
  SAMPLE_BATCH,
  byId,
  exportedRows,
  modelCalls,
  query,
  ruleRows,
  sampleSubset,
} from './support';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 9 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-bad-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => cliEnv(sim.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false' });
const file = (name: string, content: string | Buffer) => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};

describe('a batch file that cannot be used', () => {
  it('each gets exit 2, a message naming the problem, and no run', async () => {
    const sample = readFileSync(SAMPLE_BATCH, 'utf8');
    const cases: Array<[string, string[], RegExp]> = [
      ['missing file', [path.join(dir, 'nope.csv')], /nope\.csv does not exist/],
      ['empty file', [file('empty.csv', '')], /empty/i],
      ['header only', [file('header-only.csv', sample.split('\n')[0] + '\n')], /header but no data rows/i],
      ['no required column', [file('cols.csv', 'a,b,c\n1,2,3\n')], /none of the required columns.*activity_name.*report.*photo1/i],
      ['header shifted by one column', [file('shifted.csv', sample.replace(/^id,/, 'extra,id,'))], /doesn't line up with the data.*one column/i],
    ];
    const runs = cases.map(([name, args, message]) => {
      const db = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
      return startCli(['validate', ...args, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env()).exited.then((r) => ({ name, r, message, db }));
    });
    for (const { name, r, message, db } of await Promise.all(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(query(db, 'SELECT id FROM runs'), name).toEqual([]);
    }
    expect(modelCalls(sim.control.log())).toEqual([]);
  }, 90_000);

  it('bad options exit 2 with the usage or a reason', async () => {
    const fresh = path.join(dir, 'fresh.db');
    const [unknown, noResume, noRun, notNumber, both] = await Promise.all([
      startCli(['validate', SAMPLE_BATCH, '--bogus'], env()).exited,
      startCli(['validate', '--resume', '--db', fresh], env()).exited,
      startCli(['validate', '--rerun-undetermined', '7', '--db', fresh], env()).exited,
      startCli(['validate', '--rerun-undetermined', 'latest', '--db', fresh], env()).exited,
      startCli(['validate', SAMPLE_BATCH, '--rerun-undetermined', '1'], env()).exited,
    ]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option "--bogus"[\s\S]*usage: event-validator validate/);
    expect(noResume.code, noResume.stderr).toBe(2);
    expect(noResume.stderr).toMatch(/nothing to resume: no unfinished run/);
    expect(noRun.code, noRun.stderr).toBe(2);
    expect(noRun.stderr).toMatch(/there is no run 7/);
    expect(notNumber.code, notNumber.stderr).toBe(2);
    expect(notNumber.stderr).toMatch(/--rerun-undetermined needs a run number, got "latest"/);
    expect(both.code, both.stderr).toBe(2);
    expect(both.stderr).toMatch(/--rerun-undetermined takes neither a batch file nor --resume/);
  }, 90_000);
});

describe('bad attachments', () => {
  it('a corrupt or empty PDF, empty photos and a PDF named .jpg: that row is Reopen with the cause, the batch goes on', async () => {
    const root = path.join(dir, 'attachments');
    cpSync(SAMPLE_ATTACHMENTS, root, { recursive: true });
    const report = (n: string) => path.join(root, `monthlyReport/report/${n}-IC202411111.pdf`);
    // 410014: both photos zero bytes; 410021: report is garbage bytes; 410028: photo1 is a PDF, photo2 zero bytes;
    // 410035: report zero bytes. 410007 is untouched and must still be judged.
    for (const slot of ['Photograph1', 'Photograph2']) writeFileSync(path.join(root, `monthlyReport/${slot}/1074-IC202411111.jpg`), '');
    writeFileSync(report('1111'), Buffer.from('%PDF-1.7\n\u0000\u0001 this is not a pdf body \u00ff'.repeat(20), 'latin1'));
    cpSync(report('1148'), path.join(root, 'monthlyReport/Photograph1/1148-IC202411111.jpg'));
    writeFileSync(path.join(root, 'monthlyReport/Photograph2/1148-IC202411111.jpg'), '');
    writeFileSync(report('1185'), '');

    const batch = sampleSubset(path.join(dir, 'attachments.csv'), ['410007', '410014', '410021', '410028', '410035']);
    const db = path.join(dir, 'attachments.db');
    const out = path.join(dir, 'attachments-out.csv');
    const r = await startCli(['validate', batch, '--attachments', root, '--db', db, '--out', out], env()).exited;
    expect(r.code, r.stderr).toBe(0);
    const rows = byId((await exportedRows(out)).rows);
    expect(rows.get('410007')).toMatchObject({ Status: 'Accepted', Provider: 'gemini' });
    const want: Record<string, [string, RegExp]> = {
      '410014': [REOPEN_IMAGES, /^photo 1: the file is empty \(0 bytes\); photo 2: the file is empty \(0 bytes\)$/],
      '410021': [REOPEN_PDF, /^PDF report: the PDF is corrupt/],
      '410028': [REOPEN_IMAGES, /photo 1: the file is not a usable photo: it is a PDF document/],
      '410035': [REOPEN_PDF, /^PDF report: the file is empty \(0 bytes\)/],
    };
    const rules = ruleRows(db, 1);
    for (const [id, [reason, cause]] of Object.entries(want)) {
      expect(rows.get(id), id).toMatchObject({ Status: 'Reopen', 'Requirements Not Met': reason });
      const causes = rules.filter((x) => x.submission_id === id && x.verdict === 'skipped').map((x) => x.reason);
      expect(
        causes.some((c) => cause.test(c)),
        `${id}: ${causes.join(' | ')}`,
      ).toBe(true);
    }
  }, 90_000);
});
