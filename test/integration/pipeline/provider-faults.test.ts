// Provider garbage through the CLI: malformed bodies, replies that are not JSON and replies that break the schema are
// failed calls (retried, or left undetermined), never a "NO". And the text-only (Groq) path leaves a scanned report's
// PDF rules undetermined, so those rows go to Review as the manifest intends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import type { ScriptedResponse } from '../../../electron/providers/simulator/types';
import { DEFAULT_RULES } from '../../../shared/rules';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, manifest, modelCalls, query, ruleRows, sampleSubset, type RuleRow } from './support';

let sim: Simulator;
let dir: string;
let batch: string;

const LLM_RULES: ReadonlySet<string> = new Set(DEFAULT_RULES.filter((r) => r.enabled && r.call !== null).map((r) => r.id));
const COMPLETE = ['410007', '410014', '410021'];

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 13, logLimit: 5_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-faults-'));
  batch = sampleSubset(path.join(dir, 'complete.csv'), COMPLETE);
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Each run its own key (quotas are per key) and database, so runs don't share a cache or a minute's quota. */
async function validate(name: string, file: string, extra: Record<string, string> = {}): Promise<{ db: string; calls: number }> {
  const db = path.join(dir, `${name}.db`);
  const mark = sim.control.log().length;
  const r = await startCli(
    ['validate', file, '--attachments', SAMPLE_ATTACHMENTS, '--db', db],
    cliEnv(sim.baseUrl, path.join(dir, `home-${name}`), {
      STAGGER_ENABLED: 'false',
      GEMINI_API_KEY: `sim-${name}`,
      GROQ_API_KEY: `sim-${name}`,
      ...extra,
    }),
  ).exited;
  expect(r.code, r.stderr).toBe(0);
  return { db, calls: modelCalls(sim.control.log().slice(mark)).length };
}

const GARBAGE: ScriptedResponse[] = [
  { malformed: true }, // a 200 whose body is cut off mid-JSON
  { reply: 'Sure! The event looks aligned to me.' }, // the model's text is not JSON
  { reply: { aligned: 'perhaps', title_match: 'no idea', has_banner: 3 } }, // JSON that breaks every schema
];

const verdicts = (rows: RuleRow[]) => new Map(rows.map((r) => [`${r.submission_id}/${r.rule_id}`, r]));

describe('malformed provider replies', () => {
  it('when every reply is garbage, the LLM rules are undetermined (never fail) and the rows go to Review', async () => {
    sim.control.reset();
    for (const provider of ['gemini', 'groq'] as const) sim.control.script({ provider, responses: GARBAGE.map((g) => ({ ...g, times: 1_000 })) });
    const { db, calls } = await validate('all-garbage', batch);
    sim.control.reset();

    // Every LLM rule is undetermined, except "Expert details present", which a keyword in the report text may pass
    // without any model (docs/domain.md §4). None fails.
    const rules = ruleRows(db, 1);
    for (const r of rules.filter((x) => LLM_RULES.has(x.rule_id))) {
      const byKeyword = r.rule_id === 'pdf_expert' && r.verdict === 'pass' && r.source !== 'gemini' && r.source !== 'groq';
      if (!byKeyword) expect(r.verdict, `${r.submission_id}/${r.rule_id}: ${r.reason}`).toBe('undetermined');
    }
    expect(rules.filter((r) => r.verdict === 'fail' && LLM_RULES.has(r.rule_id))).toEqual([]);
    const statuses = query<{ submission_id: string; status: string; provider: string }>(
      db,
      'SELECT submission_id, status, provider FROM submissions ORDER BY row',
    );
    expect(statuses.map((s) => s.status)).toEqual(COMPLETE.map(() => 'Review'));
    // The failed calls were tried again (retries or the fallback provider) within each submission's budget.
    expect(calls).toBeGreaterThan(COMPLETE.length * 3);
    const perSubmission = query<{ n: number }>(db, 'SELECT count(*) AS n FROM calls GROUP BY submission_id');
    for (const p of perSubmission) expect(p.n).toBeLessThanOrEqual(5);
    expect(query<{ outcome: string }>(db, "SELECT DISTINCT outcome FROM calls WHERE outcome <> 'ok'").length).toBeGreaterThan(0);
    expect(query(db, "SELECT id FROM calls WHERE outcome = 'ok'")).toEqual([]);
  }, 120_000);

  it('garbage for some calls: those are retried, and no verdict differs from a clean run except as undetermined', async () => {
    sim.control.reset();
    const clean = await validate('clean', batch);
    const reference = verdicts(ruleRows(clean.db, 1));

    sim.control.script({ provider: 'gemini', responses: GARBAGE });
    const faulty = await validate('some-garbage', batch);
    const scripted = sim.control.log().filter((e) => e.outcome === 'scripted');
    expect(scripted).toHaveLength(GARBAGE.length);
    // Each garbage reply is stored as a malformed call (none was taken as an answer), and calls were tried again:
    // a later attempt of the same submission and kind succeeded, within the submission's budget of 5.
    const stored = query<{ submission_id: string; kind: string; attempt: number; outcome: string }>(
      faulty.db,
      'SELECT submission_id, kind, attempt, outcome FROM calls ORDER BY id',
    );
    expect(stored).toHaveLength(faulty.calls);
    expect(stored.filter((c) => c.outcome === 'malformed')).toHaveLength(GARBAGE.length);
    const retried = stored.filter(
      (c) =>
        c.outcome === 'malformed' &&
        stored.some((o) => o.submission_id === c.submission_id && o.kind === c.kind && o.attempt > c.attempt && o.outcome === 'ok'),
    );
    expect(retried.length).toBeGreaterThan(0);
    expect(faulty.calls).toBeGreaterThan(clean.calls);

    const got = verdicts(ruleRows(faulty.db, 1));
    expect([...got.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, r] of got) {
      const want = reference.get(key) as RuleRow;
      if (r.verdict !== want.verdict) expect(r.verdict, `${key}: ${r.reason}`).toBe('undetermined');
    }
  }, 120_000);
});

describe('the text-only path', () => {
  it('scanned reports (no text layer) judged by Groq alone: PDF rules undetermined, rows in Review', async () => {
    const scanned = manifest()
      .filter((m) => m.intent === 'Review')
      .map((m) => m.id);
    expect(scanned.length).toBeGreaterThan(0);
    const file = sampleSubset(path.join(dir, 'scanned.csv'), scanned);
    const mark = sim.control.log().length;
    const db = path.join(dir, 'groq-only.db');
    const env = cliEnv(sim.baseUrl, path.join(dir, 'home-groq'), { STAGGER_ENABLED: 'false', GROQ_API_KEY: 'sim-groq-only' });
    delete env.GEMINI_API_KEY;
    const r = await startCli(['validate', file, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env).exited;
    expect(r.code, r.stderr).toBe(0);
    expect(
      sim.control
        .log()
        .slice(mark)
        .every((e) => e.provider === 'groq'),
    ).toBe(true);

    const statuses = query<{ submission_id: string; status: string }>(db, 'SELECT submission_id, status FROM submissions ORDER BY row');
    expect(statuses).toEqual(scanned.map((id) => ({ submission_id: id, status: 'Review' })));
    const pdfRules = ruleRows(db, 1).filter((x) => x.rule_id.startsWith('pdf_'));
    expect(pdfRules.length).toBe(scanned.length * 5);
    for (const x of pdfRules) expect(x.verdict, `${x.submission_id}/${x.rule_id}: ${x.reason}`).toBe('undetermined');
  }, 60_000);
});
