// Crash-resume at scale: SIGKILL the headless run at random points across one run (CI: 4 kills on the 30-row sample;
// SOAK_SCALE=big: 20 on the sample three times over), resuming each time: the first kill lands in the first-start migration
// of an empty --db, the last in the export, the rest mid-run. After every kill `PRAGMA integrity_check` is ok, no stored result or call record changes later,
// and the file at --out is absent or whole. At the end: no lost result, no duplicate, the same verdicts as an
// uninterrupted run, and no provider call repeated for a submission already stored when the process died (only those
// in flight are redone). The kill points come from a seed printed in the test name (CRASH_SEED reproduces them).
import { existsSync, mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatch } from '../../electron/batch/ingest/ingest';
import { readCsv } from '../../electron/batch/ingest/ingest-csv';
import { seededRng } from '../../electron/engine/rng';
import { GEMINI_MODELS, GROQ_MODELS } from '../../electron/providers/simulator/presets';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { SCHEMA_VERSION } from '../../electron/store/migrations';
import type { SubmissionResult } from '../../shared/domain';
import { csvText } from '../fixtures/generate-batch';
import { cliEnv, repoRoot, startCli, type CliRun } from '../helpers/cli';
import { requestMatcher } from '../helpers/request-matcher';
import { modelCalls } from '../integration/pipeline/support';
import { recordFigures } from './figures';
import { BIG, soakTimeout } from './soak-scale';

const KILLS = BIG ? 20 : 4;
/** Kills between the migration's and the export's. */
const MID_RUN = KILLS - 2;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 1e6));
const SAMPLE = path.join(repoRoot, 'test/fixtures/sample/batch.csv');
/**
 * The sample three times over in the soak (90 rows): 18 mid-run kills each find rows left to store even where several
 * finish between the trigger and the kill (30 rows once fitted only 6 of them; 60 rows fitted 15 on an idle machine,
 * where answers come back together and their results are stored in bursts).
 */
const COPIES = BIG ? 3 : 1;
const ATTACHMENTS = path.join(repoRoot, 'test/fixtures/sample/attachments');

/**
 * Both runs wait an hour for a reply: the simulator shares the test's process, and under a load of 39 a late reply must
 * not time out and spend a retry of the submission's budget (the reference once ended three checks so).
 */
const PATIENT = { STAGGER_ENABLED: 'false', GEMINI_TIMEOUT: '3600', GROQ_TIMEOUT: '3600' };

let sim: Simulator;
let dir: string;
let BATCH = SAMPLE;

/** The sample `copies` times over, each copy's ids and titles its own (every request still names one row). */
async function sampleCopies(file: string, copies: number): Promise<string> {
  const t = await readCsv(SAMPLE);
  const own = new Set([t.columns.indexOf('id'), t.columns.indexOf('activity_name')]);
  const rows = Array.from({ length: copies }, (_, c) => t.rows.map((r) => r.map((v, i) => (c > 0 && own.has(i) ? `${v}${c + 1}` : v))));
  await writeFile(file, csvText(t.columns, rows.flat()));
  return file;
}

beforeAll(async () => {
  // Tier-1 quotas (the CLI's defaults fit them) and latencies sped up 50×, so a run takes seconds.
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: SEED, logLimit: 100_000 });
  // The server's per-minute limits far above the CLI's own: the one-key reference run rides its limiter for minutes,
  // where under load requests that arrive late bunch into one server window, and a 429 spends a retry of the
  // submission's budget (the crash run's short segments, a fresh key each, never ride it). Verdicts must not hinge on that.
  for (const model of GEMINI_MODELS) sim.control.setQuota({ provider: 'gemini', model, limits: { rpm: 1e6, tpm: 1e9 } });
  for (const model of GROQ_MODELS) sim.control.setQuota({ provider: 'groq', model, limits: { rpm: 1e6, tpm: 1e9 } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-crash-'));
  if (COPIES > 1) BATCH = await sampleCopies(path.join(dir, 'batch.csv'), COPIES);
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Stored {
  integrity: string;
  schema: number;
  runs: number;
  runId: number;
  /** result_json by submission id. */
  results: Map<string, string>;
  /** Call records by submission id. */
  calls: Map<string, number>;
}

/** What the killed process left, read without writing (opening a Store would migrate a half-migrated file). */
function stored(db: string): Stored {
  const empty: Stored = { integrity: 'ok', schema: 0, runs: 0, runId: 0, results: new Map(), calls: new Map() };
  if (!existsSync(db)) return empty;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(conn.pragma('integrity_check', { simple: true }));
    const schema = Number(conn.pragma('user_version', { simple: true }));
    const tables = new Set(
      conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((r) => (r as { name: string }).name),
    );
    if (!tables.has('runs') || !tables.has('submissions') || !tables.has('calls')) return { ...empty, integrity, schema };
    const runs = conn.prepare('SELECT id FROM runs ORDER BY id').all() as Array<{ id: number }>;
    const runId = runs.at(-1)?.id ?? 0;
    const results = conn.prepare('SELECT submission_id AS id, result_json AS json FROM submissions WHERE run_id = ?').all(runId) as Array<{
      id: string;
      json: string;
    }>;
    const calls = conn.prepare('SELECT submission_id AS id, count(*) AS n FROM calls WHERE run_id = ? GROUP BY submission_id').all(runId) as Array<{
      id: string;
      n: number;
    }>;
    return {
      integrity,
      schema,
      runs: runs.length,
      runId,
      results: new Map(results.map((r) => [r.id, r.json])),
      calls: new Map(calls.map((c) => [c.id, c.n])),
    };
  } finally {
    conn.close();
  }
}

/** SIGKILL the run `delayMs` after a file whose name matches first appears in `folder` (inotify: no polling lag). */
function killOnFile(run: CliRun, folder: string, match: (name: string) => boolean, delayMs = 0): () => void {
  let armed = true;
  const w = watch(folder, (_event, name) => {
    if (!armed || !name || !match(String(name))) return;
    armed = false;
    if (delayMs === 0) run.child.kill('SIGKILL');
    else setTimeout(() => run.child.kill('SIGKILL'), delayMs);
  });
  return () => w.close();
}

/**
 * SIGKILL the run `delayMs` after `trigger` (its `after`-th stored result, or a progress line when `after` is 0), or at
 * its next stored result if that comes first. The delay puts the kill anywhere in a call; the cap keeps a fast machine
 * from storing within it the rows the later kills need (an idle machine stored all 60 rows within 10 of the 18 delays).
 */
async function killMidRun(run: CliRun, trigger: Promise<boolean>, after: number, delayMs: number): Promise<void> {
  if (!(await trigger)) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise((r) => (timer = setTimeout(r, delayMs))), run.waitFor('submission', after + 1)]);
  clearTimeout(timer);
  run.child.kill('SIGKILL');
}

/**
 * Quotas are per key on the simulator. Each process gets its own key, so verdicts compare like with like and never
 * hinge on a quota shared across restarts (that is test/reliability/restart-quota.test.ts).
 */
function keyed(env: NodeJS.ProcessEnv, name: string): NodeJS.ProcessEnv {
  return { ...env, GEMINI_API_KEY: `sim-${name}`, GROQ_API_KEY: `sim-${name}` };
}

type Phase = 'migration' | 'run' | 'export';

describe(`crash-resume: ${KILLS} random SIGKILLs, migration and export included (seed ${SEED})`, () => {
  it(
    'loses nothing, duplicates nothing, matches an uninterrupted run, redoes only submissions in flight, never half-writes the export',
    async () => {
      const batch = await readBatch(BATCH);
      const candidatesOf = await requestMatcher(BATCH);
      const total = batch.submissions.length;
      const rng = seededRng(SEED);

      // The uninterrupted reference run, beside the killed one (its own key: its own quota on the simulator).
      const refDb = path.join(dir, 'reference.db');
      const ref = startCli(
        ['validate', BATCH, '--attachments', ATTACHMENTS, '--db', refDb, '--json'],
        keyed(cliEnv(sim.baseUrl, path.join(dir, 'home-ref'), PATIENT), 'ref'),
      ).exited;

      // The run that keeps getting killed.
      const db = path.join(dir, 'crash.db');
      const outDir = path.join(dir, 'out');
      mkdirSync(outDir);
      const out = path.join(outDir, 'results.csv');
      const isExportTemp = (n: string) => /^\.results\.csv\.\d+\.[0-9a-f]+\.tmp$/.test(n);
      const env = cliEnv(sim.baseUrl, path.join(dir, 'home-crash'), PATIENT);
      const segments: Array<{ from: number; to: number; storedBefore: Set<string> }> = [];
      const snapshots: Stored[] = [];
      const exportsSeen: Buffer[] = [];
      const kills: Record<Phase, number> = { migration: 0, run: 0, export: 0 };
      let schemaAtMigrationKill = -1;
      let finished = false;
      for (let attempt = 0; !finished && attempt < KILLS + 8; attempt++) {
        const before = stored(db);
        const left = total - before.results.size;
        const phase: Phase | null =
          kills.migration === 0 ? 'migration' : kills.run < MID_RUN && left >= 2 ? 'run' : kills.export === 0 ? 'export' : null;
        const args = before.runId ? ['validate', '--resume', String(before.runId)] : ['validate', BATCH, '--attachments', ATTACHMENTS];
        const from = sim.control.log().length;
        const run = startCli([...args, '--db', db, '--out', out, '--json'], keyed(env, `crash-${attempt}`));
        // The WAL file appears as the first migration starts writing; the migrations take milliseconds, so a kill a few
        // milliseconds later lands inside the first-start migration (the schema version it left is printed).
        const stop =
          phase === 'migration'
            ? killOnFile(run, dir, (n) => n === 'crash.db-wal', Math.floor(rng.next() * 8))
            : phase === 'export'
              ? killOnFile(run, outDir, isExportTemp)
              : () => undefined;
        if (phase === 'run') {
          // After 0..share stored results, where share spreads what is left over the kills still to come: with many
          // kills and few rows most land before a segment stores anything (calls in flight, or still starting up).
          const share = Math.floor(left / (MID_RUN - kills.run + 1));
          const after = Math.floor(rng.next() * (share + 1));
          const delayMs = Math.floor(rng.next() * 300);
          await killMidRun(
            run,
            after === 0 ? run.waitFor('progress', 1 + Math.floor(rng.next() * 3)) : run.waitFor('submission', after),
            after,
            delayMs,
          );
        }
        const exit = await run.exited;
        stop();
        segments.push({ from, to: sim.control.log().length, storedBefore: new Set(before.results.keys()) });
        const now = stored(db);
        expect(now.integrity, `integrity after attempt ${attempt}`).toBe('ok');
        if (exit.signal === 'SIGKILL' && phase) {
          kills[phase]++;
          if (phase === 'migration') schemaAtMigrationKill = now.schema;
          snapshots.push(now);
          if (existsSync(out)) exportsSeen.push(readFileSync(out));
        } else {
          // A kill that came too late (the process had finished) is simply tried again at the next start.
          expect(exit.code, exit.stderr).toBe(0);
          finished = phase === null;
        }
      }

      const refExit = await ref;
      expect(refExit.code, refExit.stderr).toBe(0);
      const reference = stored(refDb);
      expect(reference.results.size).toBe(total);

      const final = stored(db);
      const finalExport = existsSync(out) ? readFileSync(out) : Buffer.alloc(0);
      const verdicts = (m: Map<string, string>) =>
        [...m.values()]
          .map((j) => JSON.parse(j) as { submissionId: string; status: string; score: number; calls: unknown[] })
          .map((r) => ({ id: r.submissionId, status: r.status, score: r.score }))
          .sort((a, b) => a.id.localeCompare(b.id));
      // Where a verdict differs, both rows' rules side by side: which rule moved, and from which source.
      type Ruled = Pick<SubmissionResult, 'rules' | 'calls'>;
      const rulesOf = (j: string | undefined) => {
        const r = JSON.parse(j ?? '{"rules":[],"calls":[]}') as Ruled;
        const calls = r.calls.map((c) => `call ${c.kind} ${c.provider} ${c.outcome} ${c.latencyMs} ms${c.message ? `: ${c.message}` : ''}`);
        return [...r.rules.map((x) => `${x.ruleId} ${x.verdict} (${x.source}): ${x.reason}`), ...calls];
      };
      const verdictOf = (j: string | undefined) => {
        const r = JSON.parse(j ?? '{}') as { status?: string; score?: number };
        return `${r.status} ${r.score}`;
      };
      const verdictDiff = [...final.results]
        .filter(([id, j]) => verdictOf(j) !== verdictOf(reference.results.get(id)))
        .map(([id, j]) => ({ id, killed: rulesOf(j), reference: rulesOf(reference.results.get(id)) }));
      // Call records: one per call of the stored result (a re-saved row replaces its calls), none for a row not stored.
      const callMismatch = [...final.results].filter(
        ([id, j]) => (final.calls.get(id) ?? 0) !== (JSON.parse(j) as { calls: unknown[] }).calls.length,
      );
      const orphanCalls = [...final.calls.keys()].filter((id) => !final.results.has(id));
      // A result (and its calls) stored before a kill is never redone or rewritten afterwards.
      const rewritten = snapshots.flatMap((s) =>
        [...s.results].filter(([id, j]) => final.results.get(id) !== j || final.calls.get(id) !== s.calls.get(id)).map(([id]) => id),
      );

      // Calls after a restart only for submissions that were not stored yet (those in flight or never started).
      const log = sim.control.log();
      const repeatedForStored: string[] = [];
      const unmatched: number[] = [];
      const ours = (seg: { from: number; to: number }) => modelCalls(log.slice(seg.from, seg.to)).filter((e) => e.key?.startsWith('sim-cras'));
      const calledIn = segments.map((seg) => new Set(ours(seg).flatMap((e) => candidatesOf(e))));
      let checked = 0;
      for (const seg of segments.slice(1)) {
        for (const entry of ours(seg)) {
          checked++;
          const ids = candidatesOf(entry);
          if (ids.length === 0) unmatched.push(entry.seq);
          else if (ids.every((id) => seg.storedBefore.has(id))) repeatedForStored.push(`${entry.seq}: ${ids.join('/')}`);
        }
      }
      const redone = new Set(calledIn.flatMap((ids, i) => [...ids].filter((id) => calledIn.slice(i + 1).some((later) => later.has(id)))));
      const refused = (prefix: string) => modelCalls(log).filter((e) => e.key?.startsWith(prefix) && e.status !== 200).length;
      const killCount = kills.migration + kills.run + kills.export;
      recordFigures({
        scenario: 'crash-resume',
        submissions: total,
        faults: { SIGKILLs: killCount },
        outcomes: {
          lost: total - final.results.size,
          duplicated: final.runs - 1 + callMismatch.length + orphanCalls.length + rewritten.length + repeatedForStored.length,
        },
      });
      console.log(
        `crash-resume (seed ${SEED}): kills ${JSON.stringify(kills)}, schema at the migration kill ${schemaAtMigrationKill} of ${SCHEMA_VERSION}, ` +
          `${redone.size} submissions in flight at a kill redone, ${checked} calls after restarts, ` +
          `replies other than 200 (reference / killed runs) ${refused('sim-ref')} / ${refused('sim-cras')}`,
      );

      expect.soft(kills).toEqual({ migration: 1, run: MID_RUN, export: 1 });
      expect.soft(finished).toBe(true);
      // No duplicates, nothing lost, and the same verdicts as the uninterrupted run.
      expect.soft(final.runs).toBe(1);
      expect.soft(final.results.size).toBe(total);
      expect.soft(verdicts(final.results), JSON.stringify(verdictDiff, null, 1)).toEqual(verdicts(reference.results));
      // A fair reference: no refused call spent its budget (under load, retries once spent three of its submissions' budgets).
      expect.soft(refused('sim-ref'), 'replies other than 200 to the reference run').toBe(0);
      expect.soft(callMismatch).toEqual([]);
      expect.soft(orphanCalls).toEqual([]);
      expect.soft(rewritten).toEqual([]);
      expect.soft(unmatched).toEqual([]);
      expect.soft(repeatedForStored).toEqual([]);
      // The export: whole whenever a kill found it there, never a half-written file or a leftover temp file.
      expect.soft(finalExport.toString('utf8').trim().split('\n')).toHaveLength(total + 1);
      for (const seen of exportsSeen) expect.soft(seen.equals(finalExport)).toBe(true);
      expect.soft(readdirSync(outDir)).toEqual(['results.csv']);
      // Not vacuous: the resumed runs made calls, and results were stored before the kills.
      expect.soft(checked).toBeGreaterThan(0);
      expect.soft(snapshots.some((s) => s.results.size > 0)).toBe(true);
    },
    soakTimeout(180_000, (KILLS / 4) * COPIES),
  );

  it('a mid-run kill whose delay outlasts the next stored result lands at that result, not after the run', async () => {
    const total = (await readBatch(SAMPLE)).submissions.length;
    const db = path.join(dir, 'kill-cap.db');
    const env = keyed(cliEnv(sim.baseUrl, path.join(dir, 'home-kill-cap'), { STAGGER_ENABLED: 'false' }), 'kill-cap');
    const run = startCli(['validate', SAMPLE, '--attachments', ATTACHMENTS, '--db', db, '--json'], env);
    // An hour's delay: without the cap the run would finish first (the idle soak's 18 kills ran out of rows).
    await killMidRun(run, run.waitFor('submission', 1), 1, 3_600_000);
    const exit = await run.exited;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    const left = stored(db);
    expect(left.integrity).toBe('ok');
    expect(left.results.size).toBeGreaterThanOrEqual(2);
    expect(left.results.size).toBeLessThan(total);
  }, 180_000);
});
