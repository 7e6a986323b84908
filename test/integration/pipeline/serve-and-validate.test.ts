// `serve` and `validate` as real processes on one database: the console host resumes an interrupted run while a CLI
// drives another, both finish with every row once and no SQLITE_BUSY reaching either operator, and the host's Resume
// of the CLI's live run is refused naming the CLI's process.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/api';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { TOKEN_HEADER } from '../../../electron/host/auth';
import { cliEnv, startCli } from '../../helpers/cli';
import { startServe, type ServeChild } from '../../unit/host/serve-child';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, query } from './support';

let fast: Simulator;
let slow: Simulator;
let medium: Simulator;
let dir: string;
let serve: ServeChild | null = null;

beforeAll(async () => {
  fast = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 23 });
  slow = await startSimulator({ preset: 'tier1', timeScale: 0.3, seed: 23 });
  medium = await startSimulator({ preset: 'tier1', timeScale: 0.1, seed: 23 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-serve-'));
});
afterAll(async () => {
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await Promise.all([fast?.close(), slow?.close(), medium?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const keys = (sim: Simulator, key: string) => ({
  STAGGER_ENABLED: 'false',
  GEMINI_API_KEY: `sim-${key}`,
  GROQ_API_KEY: `sim-${key}`,
  GEMINI_BASE_URL: sim.baseUrl,
  GROQ_BASE_URL: sim.baseUrl,
});
const env = (sim: Simulator, key: string) => cliEnv(sim.baseUrl, path.join(dir, `home-${key}`), keys(sim, key));

/** One console command over the host's HTTP API, as the page sends it. */
async function command<T>(s: ServeChild, name: string, input: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(`/api/${name}`, s.url.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: s.token },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('serve and validate on one database', () => {
  it('each drives its own run to the end; the host refuses to resume the CLI’s live run, naming its process', async () => {
    const data = path.join(dir, 'data');
    mkdirSync(data);
    const db = path.join(data, 'event-validator.db'); // the database `serve --data-dir` opens

    // Run 1: started by a CLI that dies mid-run (its lock is stale), to be resumed from the console.
    const first = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow, 'a'));
    expect(await first.waitFor('submission', 2)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    // The console host first (its start is the slow part), then run 2: a live CLI still running while the host works.
    serve = await startServe(data, dir, keys(fast, 'c'));
    const cli = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(medium, 'b'));
    expect(await cli.waitFor('submission', 1)).toBe(true);

    const listed = await command<RunSummary[]>(serve, 'listRuns', {});
    expect(listed.status).toBe(200);
    expect(listed.body.find((r) => r.runId === '2')).toMatchObject({ state: 'running', runningElsewhere: { pid: cli.child.pid } });
    expect(listed.body.find((r) => r.runId === '1')?.runningElsewhere).toBeUndefined();

    const refused = await command<{ error: string }>(serve, 'resumeBatch', { runId: '2' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.error).toContain(`run 2 is being driven by another process (pid ${cli.child.pid} on `);

    const resumed = await command<{ runId: string; state: string }>(serve, 'resumeBatch', { runId: '1' });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    let run1: RunSummary | undefined;
    for (let i = 0; i < 600 && run1?.state !== 'finished'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run1 = (await command<RunSummary[]>(serve, 'listRuns', {})).body.find((r) => r.runId === '1');
    }
    expect(run1).toMatchObject({ state: 'finished', done: 30 });

    const cliExit = await cli.exited;
    expect(cliExit.code, cliExit.stderr).toBe(0);
    for (const text of [cliExit.stderr, cliExit.stdout, serve.stderr()]) expect(text).not.toMatch(/SQLITE_BUSY|database is locked/);
    for (const runId of [1, 2])
      expect(query(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions WHERE run_id = ?', runId)).toEqual([
        { n: 30, d: 30 },
      ]);
    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    conn.close();
  }, 300_000);
});
