// Two processes on one database: a second `--resume` of a run another live CLI drives is refused naming that process,
// another run proceeds side by side (WAL + busy timeout: no SQLITE_BUSY), the console's run list shows the run as
// running elsewhere, and once the owner is killed its lock is taken over and the run finishes: no row twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/api';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, query, sampleSubset } from './support';

let fast: Simulator;
let slow: Simulator;
let dir: string;

beforeAll(async () => {
  fast = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 21 });
  slow = await startSimulator({ preset: 'tier1', timeScale: 1, seed: 21 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-two-'));
});
afterAll(async () => {
  await Promise.all([fast?.close(), slow?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (sim: Simulator, key: string) =>
  cliEnv(sim.baseUrl, path.join(dir, `home-${key}`), { STAGGER_ENABLED: 'false', GEMINI_API_KEY: `sim-${key}`, GROQ_API_KEY: `sim-${key}` });

describe('two processes on one database', () => {
  it('a live run is driven once; another run proceeds beside it; the console sees it elsewhere; a dead owner is taken over', async () => {
    const db = path.join(dir, 'shared.db');
    const first = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow, 'a'));
    expect(await first.waitFor('submission', 2)).toBe(true);

    const second = await startCli(['validate', '--resume', '1', '--db', db], env(slow, 'b')).exited;
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toContain(`run 1 is being driven by another process (pid ${first.child.pid} on `);
    const plain = await startCli(['validate', '--resume', '--db', db], env(slow, 'b')).exited;
    expect(plain.code, plain.stderr).toBe(2);
    expect(plain.stderr).toMatch(/run 1 is being driven by another process/);

    const api = await createApi({ userDataDir: path.join(dir, 'console'), dbFile: db, env: {} });
    try {
      const listed = await api.listRuns({});
      expect(listed.find((r) => r.runId === '1')).toMatchObject({ state: 'running', runningElsewhere: { pid: first.child.pid } });
      expect(listed.find((r) => r.runId === '2')?.runningElsewhere).toBeUndefined();
      await expect(api.resumeBatch({ runId: '1' })).rejects.toThrow(/run 1 is being driven by another process/);
    } finally {
      await api.close();
    }

    const other = sampleSubset(path.join(dir, 'other.csv'), ['410007', '410014', '410021']);
    const beside = await startCli(['validate', other, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env(fast, 'c')).exited;
    expect(beside.code, beside.stderr).toBe(0);
    expect(beside.stderr).not.toMatch(/SQLITE_BUSY|database is locked/);

    first.child.kill('SIGKILL');
    await first.exited;
    const resumed = await startCli(['validate', '--resume', '1', '--db', db], env(fast, 'd')).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(query(db, 'SELECT submission_id FROM submissions WHERE run_id = 1')).toHaveLength(30);
    expect(query(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions WHERE run_id = 1')).toEqual([{ n: 30, d: 30 }]);
    expect(query(db, 'SELECT run_id FROM run_locks')).toEqual([]);
    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    conn.close();
  }, 150_000);
});
