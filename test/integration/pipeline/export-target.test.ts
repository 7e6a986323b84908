// `--out` is checked before the run starts: never the batch file (by name, symlink or hard link) nor anything under the
// attachments root, a known extension, an existing writable folder; each refusal exits 2 with no run and no call.
// A cancelled run's partial export never replaces an earlier export at the same path.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, exportedRows, modelCalls, query } from './support';

let sim: Simulator;
let slow: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5 });
  slow = await startSimulator({ preset: 'tier1', timeScale: 0.3, seed: 5 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-out-'));
});
afterAll(async () => {
  await Promise.all([sim?.close(), slow?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (s: Simulator) => cliEnv(s.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false' });

const stored = (db: string) => {
  try {
    return query(db, 'SELECT submission_id FROM submissions').length;
  } catch {
    return 0; // not created yet
  }
};

async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return true;
  return false;
}

/** A read-only folder even for root: a tmpfs mounted read-only. Null where mounting is not allowed. */
function readOnlyFolder(): string | null {
  const ro = path.join(dir, 'ro');
  mkdirSync(ro, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' });
    return ro;
  } catch {
    return null;
  }
}

describe('--out is checked before the run', () => {
  it('the batch itself, a symlink or hard link to it, the attachments folder, a bad extension, a missing or read-only folder: exit 2, no run', async () => {
    const batch = path.join(dir, 'batch.csv');
    cpSync(SAMPLE_BATCH, batch);
    const attachments = path.join(dir, 'attachments');
    cpSync(SAMPLE_ATTACHMENTS, attachments, { recursive: true });
    const original = readFileSync(batch);
    symlinkSync(batch, path.join(dir, 'link.csv'));
    linkSync(batch, path.join(dir, 'hard.csv'));
    mkdirSync(path.join(dir, 'sub'));
    const ro = readOnlyFolder();
    const cases: Array<[string, string, RegExp]> = [
      ['the batch file', batch, /is the batch file itself/],
      ['the batch by another spelling', path.join(dir, 'sub', '..', 'batch.csv'), /is the batch file itself/],
      ['a symlink to the batch', path.join(dir, 'link.csv'), /is the batch file itself/],
      ['a hard link to the batch', path.join(dir, 'hard.csv'), /is the batch file itself/],
      ['under the attachments', path.join(attachments, 'monthlyReport', 'results.csv'), /inside the attachments folder/],
      ['a text file', path.join(dir, 'results.txt'), /must end in \.csv or \.xlsx/],
      ['a missing folder', path.join(dir, 'nope', 'results.csv'), /the folder .*nope does not exist/],
      ['a folder', path.join(dir, 'sub.csv'), /exists and is not a regular file/],
      ...(ro ? [['a read-only folder', path.join(ro, 'results.csv'), /read-only file system/] as [string, string, RegExp]] : []),
    ];
    mkdirSync(path.join(dir, 'sub.csv'));
    try {
      const runs = cases.map(([name, out, message]) => {
        const db = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
        return startCli(['validate', batch, '--attachments', attachments, '--db', db, '--out', out], env(sim)).exited.then((r) => ({
          name,
          r,
          message,
          db,
        }));
      });
      for (const { name, r, message, db } of await Promise.all(runs)) {
        expect(r.code, `${name}: ${r.stderr}`).toBe(2);
        expect(r.stderr, name).toMatch(message);
        expect(r.stderr, name).not.toMatch(/\n\s+at /);
        expect(query(db, 'SELECT id FROM runs'), name).toEqual([]);
      }
    } finally {
      if (ro) execFileSync('umount', [ro]);
    }
    expect(readFileSync(batch).equals(original)).toBe(true);
    expect(modelCalls(sim.control.log())).toEqual([]);
    if (!ro) console.warn('read-only --out folder case skipped: mounting a tmpfs is not permitted here');
  }, 90_000);

  it('--resume with --out at the run’s batch file is refused before anything is evaluated', async () => {
    const batch = path.join(dir, 'resume-batch.csv');
    cpSync(SAMPLE_BATCH, batch);
    const db = path.join(dir, 'resume.db');
    const first = startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow));
    expect(await first.waitFor('submission', 2)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = query(db, 'SELECT submission_id FROM submissions').length;
    const mark = slow.control.log().length;
    const r = await startCli(['validate', '--resume', '--db', db, '--out', batch], env(slow)).exited;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is the batch file itself/);
    expect(query(db, 'SELECT submission_id FROM submissions')).toHaveLength(before);
    expect(modelCalls(slow.control.log().slice(mark))).toEqual([]);
  }, 90_000);
});

describe('a cancelled run never silently replaces an earlier export', () => {
  it('Ctrl+C with a complete export at --out: that file is kept byte for byte, the partial rows go beside it, and the message says so', async () => {
    const out = path.join(dir, 'results.csv');
    const done = await startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, 'full.db'), '--out', out],
      env(sim),
    ).exited;
    expect(done.code, done.stderr).toBe(0);
    const complete = readFileSync(out);

    const run = startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, 'cancel.db'), '--out', out, '--json'],
      env(slow),
    );
    expect(await run.waitFor('submission', 2)).toBe(true);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(3);
    // Without --json the same outcome is said in words.
    const plain = startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, 'cancel2.db'), '--out', out],
      env(slow),
    );
    expect(await until(() => stored(path.join(dir, 'cancel2.db')) >= 1, 60_000)).toBe(true);
    plain.child.kill('SIGINT');
    const p = await plain.exited;
    expect(p.stderr).toMatch(
      /kept the existing .*results\.csv \(this run is unfinished\); wrote its \d+ of 30 finished rows to .*results\.partial\.csv/,
    );
    expect(readFileSync(out).equals(complete), 'the complete export is untouched').toBe(true);
    const partial = path.join(dir, 'results.partial.csv');
    expect(run.lines.find((l) => l.type === 'export')).toMatchObject({ file: partial, kept: out, total: 30 });
    const rows = (await exportedRows(partial)).rows;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThan(30);
    expect(existsSync(partial)).toBe(true);
  }, 120_000);
});
