// `event-validator plan` end to end (docs/planner.md): JSON lines with the current settings first, each prediction
// stored in the database; bad input (an unknown setting in a variant file, a missing batch, a bad option) is refused
// with exit code 2, a message naming the fault, and nothing stored.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, repoRoot } from '../../helpers/cli';

const run = promisify(execFile);
const SAMPLE = path.join(repoRoot, 'test/fixtures/sample');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ev-plan-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GEMINI|GROQ)_/.test(k)) out[k] = v;
  return { ...out, HOME: dir, XDG_DATA_HOME: dir, APPDATA: dir };
}

async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, 'plan', ...args], { cwd: repoRoot, env: env(), timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const stored = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT config_name FROM plan_predictions ORDER BY id').all() as { config_name: string }[]).map((r) => r.config_name);
  } finally {
    d.close();
  }
};

describe('event-validator plan', () => {
  it('prints one JSON line per configuration, current first, and stores each prediction', async () => {
    const db = path.join(dir, 'ev.db');
    const variant = path.join(dir, 'eight-workers.json');
    writeFileSync(variant, JSON.stringify({ maxWorkers: 8 }));
    const r = await plan([
      path.join(SAMPLE, 'batch.csv'),
      '--attachments',
      path.join(SAMPLE, 'attachments'),
      '--db',
      db,
      '--config',
      variant,
      '--seeds',
      '2',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.config)).toEqual(['current', 'eight-workers']);
    for (const l of lines) {
      for (const k of ['makespan_s', 'p10_s', 'p90_s', 'calls', 'fallbacks', 'http_429', 'undetermined', 'quota_ok', 'learned_from_calls'])
        expect(l).toHaveProperty(k);
      expect(l.calls).toBe(63); // the sample's calls after pre-scoring, duplicates and reopened rows
      expect(l.quota_ok).toBe(true);
      expect(l.learned_from_calls).toBe(0);
      expect(Number(l.p10_s)).toBeLessThanOrEqual(Number(l.makespan_s));
      expect(Number(l.makespan_s)).toBeLessThanOrEqual(Number(l.p90_s));
    }
    expect(stored(db)).toEqual(['current', 'eight-workers']);
  }, 150_000);

  it('refuses a variant file with an unknown setting, naming it, and stores nothing', async () => {
    const db = path.join(dir, 'ev.db');
    const variant = path.join(dir, 'bad.json');
    writeFileSync(variant, JSON.stringify({ providers: { gemini: { rpmm: 10 } } }));
    const r = await plan([path.join(SAMPLE, 'batch.csv'), '--attachments', path.join(SAMPLE, 'attachments'), '--db', db, '--config', variant]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json: providers.gemini.rpmm: unknown setting');
    expect(stored(db)).toEqual([]);
  }, 150_000);

  it('refuses a missing batch file and a bad option with exit code 2', async () => {
    const missing = await plan([path.join(dir, 'nope.csv'), '--db', path.join(dir, 'ev.db')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv does not exist');
    const seeds = await plan([path.join(SAMPLE, 'batch.csv'), '--seeds', '0']);
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toContain('--seeds must be a whole number from 1 to 50');
  }, 150_000);
});
