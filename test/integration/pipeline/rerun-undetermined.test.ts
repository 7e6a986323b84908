// "Re-run undetermined": a run whose budget (1 call per submission) leaves rules undetermined ends with Review rows;
// `validate --rerun-undetermined RUN` re-evaluates exactly those rows and replaces their results in place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { DEFAULT_RULES } from '../../../shared/rules';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, exportedRows, modelCalls, query, requestKind, requestMatcher } from './support';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5, logLimit: 5_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-review-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Stored {
  submission_id: string;
  status: string;
  result_json: string;
}

describe('re-run undetermined through the CLI', () => {
  it('re-evaluates only the Review rows and replaces their results, never duplicating them', async () => {
    const db = path.join(dir, 'review.db');
    const env = (extra: Record<string, string> = {}) => cliEnv(sim.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false', ...extra });

    // One physical call per submission: of the three logical calls, two are left undetermined.
    const first = await startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db],
      env({ MAX_API_CALLS_PER_SUBMISSION: '1' }),
    ).exited;
    expect(first.code, first.stderr).toBe(0);
    const before = new Map(query<Stored>(db, 'SELECT submission_id, status, result_json FROM submissions').map((r) => [r.submission_id, r]));
    const review = new Set([...before.values()].filter((r) => r.status === 'Review').map((r) => r.submission_id));
    expect(review.size, 'the budget leaves rows in Review').toBeGreaterThanOrEqual(15);
    expect(query<{ n: number }>(db, "SELECT count(*) AS n FROM rule_results WHERE verdict = 'undetermined'")[0]?.n).toBeGreaterThan(0);
    const lastCall = query<{ m: number }>(db, 'SELECT max(id) AS m FROM calls')[0]?.m ?? 0;
    const mark = sim.control.log().length;

    const out = path.join(dir, 'rerun.csv');
    const again = await startCli(['validate', '--rerun-undetermined', '1', '--db', db, '--out', out], env()).exited;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`run 1: batch\\.csv, ${review.size} submissions to evaluate`));

    // Only Review rows were called for: every new stored call is theirs, and the simulator saw exactly those calls.
    // Their theme verdicts were judged and cached by the first run, so only the PDF and image calls go out.
    const newCalls = query<{ submission_id: string }>(db, 'SELECT submission_id FROM calls WHERE id > ?', lastCall);
    expect(newCalls.length).toBeGreaterThan(0);
    for (const c of newCalls) expect(review.has(c.submission_id), c.submission_id).toBe(true);
    const requests = modelCalls(sim.control.log().slice(mark));
    expect(requests).toHaveLength(newCalls.length);
    const matchOf = await requestMatcher(SAMPLE_BATCH);
    for (const e of requests) {
      expect(
        matchOf(e).some((id) => review.has(id)),
        `request ${e.seq}`,
      ).toBe(true);
      expect(['pdf', 'image']).toContain(requestKind(e));
    }

    // Results replaced in place: one row and one verdict per rule for each submission; rows that were not in Review
    // are byte-identical; the Review rows got new results with every rule decided.
    const after = new Map(query<Stored>(db, 'SELECT submission_id, status, result_json FROM submissions').map((r) => [r.submission_id, r]));
    expect(after.size).toBe(before.size);
    expect(query(db, 'SELECT submission_id FROM rule_results GROUP BY submission_id HAVING count(*) <> ?', DEFAULT_RULES.length)).toEqual([]);
    for (const [id, was] of before) {
      const now = after.get(id) as Stored;
      if (!review.has(id)) expect(now.result_json, id).toBe(was.result_json);
      else expect(now.result_json, id).not.toBe(was.result_json);
    }
    expect(query(db, "SELECT submission_id FROM submissions WHERE status = 'Review'")).toEqual([]);
    expect(query(db, "SELECT submission_id FROM rule_results WHERE verdict = 'undetermined'")).toEqual([]);

    // The export carries the replaced results, every row once.
    const { rows } = await exportedRows(out);
    expect(rows).toHaveLength(before.size);
    expect(new Set(rows.map((r) => r.id)).size).toBe(before.size);
    for (const r of rows) expect(r.Status, r.id).toBe(after.get(r.id as string)?.status);
  }, 120_000);
});
