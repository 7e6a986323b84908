// Crash-resume: SIGKILL the headless run at random points, repeatedly (CI: 3 kills; SOAK_SCALE=big: 10), resuming
// each time, then compare with an uninterrupted run of the same batch against the same simulator: no lost result,
// no duplicate, results identical, and no provider call repeated for a submission that was already stored when the
// process died (only those in flight are redone). The kill points come from a seed printed in the test name.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatch } from '../../electron/batch/ingest/ingest';
import { seededRng } from '../../electron/engine/rng';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { openStore } from '../../electron/store/store';
import type { SubmissionResult } from '../../shared/domain';
import { cliEnv, repoRoot, startCli } from '../helpers/cli';
import { requestMatcher } from '../helpers/request-matcher';

const BIG = process.env.SOAK_SCALE === 'big';
const KILLS = BIG ? 10 : 3;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 1e6));
const BATCH = path.join(repoRoot, 'test/fixtures/sample/batch.csv');
const ATTACHMENTS = path.join(repoRoot, 'test/fixtures/sample/attachments');

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  // Tier-1 quotas (the CLI's defaults fit them) and latencies sped up 20×, so a run takes seconds.
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.05, seed: SEED, logLimit: 100_000 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-crash-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function storedRun(db: string): { runId: number; results: Map<string, SubmissionResult>; count: number } {
  const store = openStore(db);
  try {
    const run = store.listRuns()[0];
    if (!run) return { runId: 0, results: new Map(), count: 0 };
    const rows = store.results(run.id);
    return { runId: run.id, results: new Map(rows.map((r) => [r.result.submissionId, r.result])), count: rows.length };
  } finally {
    store.close();
  }
}

/**
 * Quotas are per key on the simulator. Each process gets its own key, so verdicts compare like with like and never
 * hinge on a quota shared across restarts (that is test/reliability/restart-quota.test.ts).
 */
function keyed(env: NodeJS.ProcessEnv, name: string): NodeJS.ProcessEnv {
  return { ...env, GEMINI_API_KEY: `sim-${name}`, GROQ_API_KEY: `sim-${name}` };
}

describe(`crash-resume: ${KILLS} random SIGKILLs (seed ${SEED})`, () => {
  it(
    'loses nothing, duplicates nothing, matches an uninterrupted run, and redoes only submissions in flight',
    async () => {
      const batch = await readBatch(BATCH);
      const candidatesOf = await requestMatcher(BATCH);
      const total = batch.submissions.length;
      const rng = seededRng(SEED);

      // The uninterrupted reference run.
      const refDb = path.join(dir, 'reference.db');
      const ref = startCli(
        ['validate', BATCH, '--attachments', ATTACHMENTS, '--db', refDb, '--json'],
        keyed(cliEnv(sim.baseUrl, path.join(dir, 'home-ref')), 'ref'),
      );
      const refExit = await ref.exited;
      expect(refExit.code, refExit.stderr).toBe(0);
      const reference = storedRun(refDb);
      expect(reference.count).toBe(total);

      // The run that keeps getting killed.
      const db = path.join(dir, 'crash.db');
      const env = cliEnv(sim.baseUrl, path.join(dir, 'home-crash'));
      const segments: Array<{ from: number; to: number; storedBefore: Set<string> }> = [];
      const snapshots: Array<Map<string, SubmissionResult>> = [];
      let kills = 0;
      let finished = false;
      for (let attempt = 0; !finished && attempt < KILLS + 3; attempt++) {
        const before = storedRun(db);
        const from = sim.control.log().length;
        const args = attempt === 0 ? ['validate', BATCH, '--attachments', ATTACHMENTS] : ['validate', '--resume'];
        const killing = kills < KILLS && total - before.count >= 2;
        const run = startCli([...args, '--db', db, '--json'], keyed(env, `crash-${attempt}`));
        if (killing) {
          const left = total - before.count;
          const after = 1 + Math.floor(rng.next() * Math.max(1, Math.floor(left / (KILLS - kills + 1))));
          const delayMs = Math.floor(rng.next() * 300);
          if (await run.waitFor('submission', after)) {
            await new Promise((r) => setTimeout(r, delayMs));
            run.child.kill('SIGKILL');
          }
        }
        const exit = await run.exited;
        segments.push({ from, to: sim.control.log().length, storedBefore: new Set(before.results.keys()) });
        if (exit.signal === 'SIGKILL') {
          kills++;
          snapshots.push(storedRun(db).results);
        } else {
          expect(exit.code, exit.stderr).toBe(0);
          finished = true;
        }
      }
      expect(kills).toBe(KILLS);
      expect(finished).toBe(true);

      const final = storedRun(db);
      // No duplicates, nothing lost, and the same verdicts as the uninterrupted run.
      expect(final.count).toBe(total);
      expect(final.results.size).toBe(total);
      const verdicts = (m: Map<string, SubmissionResult>) =>
        [...m.values()].map((r) => ({ id: r.submissionId, status: r.status, score: r.score })).sort((a, b) => a.id.localeCompare(b.id));
      expect(verdicts(final.results)).toEqual(verdicts(reference.results));
      // A result stored before a kill is never redone or rewritten afterwards.
      for (const snap of snapshots) for (const [id, r] of snap) expect(final.results.get(id)).toEqual(r);

      // Calls after a restart only for submissions that were not stored yet (those in flight or never started).
      const log = sim.control.log();
      const repeatedForStored: string[] = [];
      let checked = 0;
      for (const seg of segments.slice(1)) {
        for (const entry of log.slice(seg.from, seg.to)) {
          if (entry.route !== 'generateContent' && entry.route !== 'chat.completions') continue;
          checked++;
          const ids = candidatesOf(entry);
          expect(ids.length, `request ${entry.seq} maps to no submission`).toBeGreaterThan(0);
          if (ids.every((id) => seg.storedBefore.has(id))) repeatedForStored.push(`${entry.seq}: ${ids.join('/')}`);
        }
      }
      expect(repeatedForStored).toEqual([]);
      // Not vacuous: the resumed runs made calls, and results were stored before the kills.
      expect(checked).toBeGreaterThan(0);
      expect(snapshots.some((m) => m.size > 0)).toBe(true);
    },
    BIG ? 600_000 : 180_000,
  );
});
