// The database on a disk that fills up mid-run (a small tmpfs), in a read-only folder, and Ctrl+C then a plain
// --resume. A full disk stops the run at the first refused commit (exit 3, the path and what to do), everything
// finished before it is still stored, and --resume finishes the run once space is back; integrity_check stays ok.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { recordFigures } from '../../reliability/figures';
import { soakTimeout } from '../../reliability/soak-scale';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query, requestMatcher } from './support';

/** Guards against a hang, scaled in the soak by the load (test/reliability/soak-scale.ts). */
const DISK_TIMEOUT = soakTimeout(150_000);
const SHORT_TIMEOUT = soakTimeout(60_000);
const CANCEL_TIMEOUT = soakTimeout(120_000);

let fast: Simulator;
let slow: Simulator;
let dir: string;
const mounts: string[] = [];

beforeAll(async () => {
  fast = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 17 });
  slow = await startSimulator({ preset: 'tier1', timeScale: 0.5, seed: 17, logLimit: 5_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-storage-'));
});
afterAll(async () => {
  for (const m of mounts) execFileSync('umount', [m]);
  await Promise.all([fast?.close(), slow?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Two submissions in flight: "not started when the disk filled" then means most of the batch (in auto mode the
// whole sample would be in flight from the first second, and nothing would be left to spare).
const env = (sim: Simulator, key: string) =>
  cliEnv(sim.baseUrl, path.join(dir, `home-${key}`), {
    STAGGER_ENABLED: 'false',
    DEFAULT_MAX_WORKERS: '2',
    GEMINI_API_KEY: `sim-${key}`,
    GROQ_API_KEY: `sim-${key}`,
  });

/** A tmpfs of `size` at a fresh folder; null where mounting is not permitted (the tests then skip, saying so). */
function tmpfs(name: string, options: string): string | null {
  const at = path.join(dir, name);
  mkdirSync(at);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.push(at);
  return at;
}

/** Fill the file system holding `folder` to the last byte. */
function fill(folder: string): string {
  const file = path.join(folder, 'filler');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 << 10, 1);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    for (let n = 4096; n >= 1; n = Math.floor(n / 2)) {
      try {
        for (let i = 0; i < 1000; i++) writeSync(fd, block.subarray(0, n));
      } catch {
        // full at this block size: try a smaller one
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const stored = (db: string) => {
  try {
    return query<{ submission_id: string }>(db, 'SELECT submission_id FROM submissions').map((r) => r.submission_id);
  } catch {
    return [];
  }
};

async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return true;
  return false;
}

const integrity = (db: string) => {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.pragma('integrity_check', { simple: true });
  } finally {
    conn.close();
  }
};

describe('storage faults', () => {
  it(
    'disk full mid-run: stops at the first refused commit, keeps what finished, --resume finishes once space is back',
    async (t) => {
      const disk = tmpfs('disk', 'size=16m');
      if (!disk) return t.skip('mounting a tmpfs is not permitted here');
      const db = path.join(disk, 'run.db');
      const run = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow, 'first'));
      expect(await until(() => existsSync(db) && stored(db).length >= 3, SHORT_TIMEOUT)).toBe(true);
      const filler = fill(disk);
      const atFault = slow.control.log().length;
      const r = await run.exited;
      expect(r.code, r.stderr).toBe(3);
      const done = run.lines.find((l) => l.type === 'done') as { state: string; storage?: { kind: string; file: string; message: string } };
      expect(done.state).toBe('interrupted');
      expect(done.storage).toMatchObject({ kind: 'full', file: db });
      expect(done.storage?.message).toMatch(
        /the database .*run\.db could not be written: the disk is full\. Free some space on it, then continue with --resume/,
      );

      // No provider call for a submission that had not started when the disk filled: only those in flight finished.
      const before = new Set(stored(db));
      expect(before.size).toBeLessThan(30);
      const matchOf = await requestMatcher(SAMPLE_BATCH);
      const startedLater = new Set(modelCalls(slow.control.log().slice(atFault)).flatMap((e) => matchOf(e)));
      const calledBefore = new Set(modelCalls(slow.control.log().slice(0, atFault)).flatMap((e) => matchOf(e)));
      const fresh = [...startedLater].filter((id) => !calledBefore.has(id));
      expect(fresh.length, `submissions first called after the disk filled: ${fresh.join(', ')}`).toBeLessThanOrEqual(2);

      rmSync(filler);
      const resumed = await startCli(['validate', '--resume', '--db', db], env(fast, 'second')).exited;
      expect(resumed.code, resumed.stderr).toBe(0);
      const [counts] = query<{ n: number; d: number }>(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions');
      recordFigures({
        scenario: 'storage-faults (disk full)',
        submissions: 30,
        faults: { 'disk full': 1 },
        outcomes: { lost: 30 - (counts?.d ?? 0), duplicated: (counts?.n ?? 0) - (counts?.d ?? 0) },
      });
      expect(counts).toEqual({ n: 30, d: 30 });
      for (const id of before) expect(stored(db)).toContain(id);
      expect(integrity(db)).toBe('ok');
    },
    DISK_TIMEOUT,
  );

  it(
    'a read-only database folder: exit 2, the path and why, nothing run',
    async (t) => {
      const ro = tmpfs('ro', 'ro,size=64k');
      if (!ro) return t.skip('mounting a tmpfs is not permitted here');
      const db = path.join(ro, 'run.db');
      const r = await startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env(fast, 'ro')).exited;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `the database ${db} cannot be opened: its folder ${ro} is on a read-only file system. Pass --db with a writable path`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    SHORT_TIMEOUT,
  );

  it(
    'Ctrl+C, then a plain --resume finds the cancelled run and finishes it',
    async () => {
      const db = path.join(dir, 'cancel.db');
      const run = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow, 'c1'));
      expect(await run.waitFor('submission', 2)).toBe(true);
      run.child.kill('SIGINT');
      const r = await run.exited;
      expect(r.code, r.stderr).toBe(3);
      expect(query(db, 'SELECT state FROM runs')).toEqual([{ state: 'cancelled' }]);
      const resumed = await startCli(['validate', '--resume', '--db', db], env(fast, 'c2')).exited;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/run 1 finished/);
      expect(query(db, 'SELECT count(*) AS n FROM submissions')).toEqual([{ n: 30 }]);
    },
    CANCEL_TIMEOUT,
  );
});
