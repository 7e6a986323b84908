// Kill -9 the CLI mid-run, then `validate --resume --out`: the export has every row once, nothing is stored twice,
// the verdicts equal an uninterrupted run's, and no call is repeated for a submission finished before the kill.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, exportedRows, modelCalls, query, requestMatcher } from './support';

let fast: Simulator;
let slow: Simulator;
let dir: string;

beforeAll(async () => {
  fast = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 3 });
  // Slow enough that the run takes several seconds, so the kill lands mid-run.
  slow = await startSimulator({ preset: 'tier1', timeScale: 0.3, seed: 3, logLimit: 5_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-crash-'));
});
afterAll(async () => {
  await Promise.all([fast?.close(), slow?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Each process gets its own simulator key: quotas are per key, and a restarted process's limiter can't know what its
 * killed predecessor spent this minute, so a shared key could turn verdicts on 429s instead of on the batch.
 */
const env = (sim: Simulator, key: string) =>
  cliEnv(sim.baseUrl, path.join(dir, `home-${key}`), { STAGGER_ENABLED: 'false', GEMINI_API_KEY: `sim-${key}`, GROQ_API_KEY: `sim-${key}` });

const stored = (db: string) => {
  try {
    return query<{ submission_id: string }>(db, 'SELECT submission_id FROM submissions').map((r) => r.submission_id);
  } catch {
    return []; // not created yet
  }
};

async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return true;
  return false;
}

describe('crash-resume through the CLI', () => {
  it('SIGKILL mid-run, then --resume: every row once, same verdicts, no call redone for a finished submission', async () => {
    const total = (await readCsv(SAMPLE_BATCH)).rows.length;

    const refDb = path.join(dir, 'reference.db');
    const ref = await startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', refDb, '--out', path.join(dir, 'reference.csv')],
      env(fast, 'ref'),
    ).exited;
    expect(ref.code, ref.stderr).toBe(0);

    const db = path.join(dir, 'crash.db');
    const run = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env(slow, 'first'));
    const reached = await until(() => existsSync(db) && stored(db).length >= 5, 60_000);
    run.child.kill('SIGKILL');
    const killed = await run.exited;
    expect(reached, killed.stderr).toBe(true);
    expect(killed.signal).toBe('SIGKILL');

    const before = new Set(stored(db));
    expect(before.size, 'the kill must land mid-run').toBeLessThan(total);
    const callsBefore = query<{ submission_id: string; n: number }>(db, 'SELECT submission_id, count(*) AS n FROM calls GROUP BY submission_id');
    const mark = slow.control.log().length;

    const out = path.join(dir, 'resumed.csv');
    const resumed = await startCli(['validate', '--resume', '--db', db, '--out', out], env(slow, 'second')).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`${total - before.size} submissions to evaluate`));

    // The export: every row exactly once, in input order; the database: one result per row, one run.
    const input = await readCsv(SAMPLE_BATCH);
    const { rows } = await exportedRows(out);
    expect(rows.map((r) => r.id)).toEqual(input.rows.map((r) => r[0]));
    expect(query(db, 'SELECT id FROM runs')).toHaveLength(1);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions')).toEqual([{ n: total, d: total }]);

    // Same verdicts as the uninterrupted run.
    const verdicts = (file: string) =>
      query<{ submission_id: string; status: string; score: number }>(file, 'SELECT submission_id, status, score FROM submissions ORDER BY row');
    expect(verdicts(db)).toEqual(verdicts(refDb));
    const reference = (await exportedRows(path.join(dir, 'reference.csv'))).rows;
    expect(rows.map((r) => [r.id, r.Status, r['Overall Score'], r['Requirements Not Met']])).toEqual(
      reference.map((r) => [r.id, r.Status, r['Overall Score'], r['Requirements Not Met']]),
    );

    // Nothing finished before the kill was redone: its stored calls are unchanged and no request after the restart
    // can be for it alone. Only submissions in flight (or not started) were called again.
    const callsAfter = new Map(
      query<{ submission_id: string; n: number }>(db, 'SELECT submission_id, count(*) AS n FROM calls GROUP BY submission_id').map((r) => [
        r.submission_id,
        r.n,
      ]),
    );
    for (const c of callsBefore) if (before.has(c.submission_id)) expect(callsAfter.get(c.submission_id), c.submission_id).toBe(c.n);
    const matchOf = await requestMatcher(SAMPLE_BATCH);
    const after = modelCalls(slow.control.log().slice(mark));
    expect(after.length, 'the resumed run made calls').toBeGreaterThan(0);
    for (const e of after) {
      const ids = matchOf(e);
      expect(ids.length, `request ${e.seq} maps to no submission`).toBeGreaterThan(0);
      expect(
        ids.every((id) => before.has(id)),
        `request ${e.seq} repeats a finished submission (${ids.join('/')})`,
      ).toBe(false);
    }
  }, 150_000);
});
