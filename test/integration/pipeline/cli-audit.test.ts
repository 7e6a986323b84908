// A run started from the CLI is recorded like one started from the console: both go through the one run entry, so
// the same batch leaves the same runs row and the same audit entries; a CLI cancel and resume are audited too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/api';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, query, sampleSubset } from './support';

let fast: Simulator;
let slow: Simulator;
let dir: string;

beforeAll(async () => {
  fast = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5 });
  slow = await startSimulator({ preset: 'tier1', timeScale: 0.3, seed: 5 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-audit-'));
});
afterAll(async () => {
  await Promise.all([fast?.close(), slow?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (sim: Simulator, key: string) =>
  cliEnv(sim.baseUrl, path.join(dir, `home-${key}`), { STAGGER_ENABLED: 'false', GEMINI_API_KEY: `sim-${key}`, GROQ_API_KEY: `sim-${key}` });

interface AuditRow {
  actor: string;
  action: string;
  target: string | null;
  before_json: string | null;
  after_json: string | null;
}
/** The run's audit trail, without the engine's breaker entries (those follow the providers, not who started the run). */
const runAudit = (db: string) =>
  query<AuditRow>(db, 'SELECT actor, action, target, before_json, after_json FROM audit_log ORDER BY id').filter(
    (r) => !r.action.startsWith('breaker '),
  );

describe('a CLI run is recorded through the console run entry', () => {
  it('leaves the same runs row and audit entries as a console run of the same batch', async () => {
    const batch = path.join(dir, 'batch.csv');
    sampleSubset(batch, ['410007', '410014', '410021']);

    const consoleDir = path.join(dir, 'console');
    const e = env(fast, 'console');
    const api = await createApi({ userDataDir: consoleDir, vault: new FileKeyVault(consoleDir), env: e as Record<string, string> });
    try {
      const finished = new Promise<void>((done) => api.on('progress', (p) => p.state === 'finished' && done()));
      await api.startBatch({ file: { kind: 'path', path: batch }, attachments: { kind: 'path', path: SAMPLE_ATTACHMENTS } });
      await finished;
    } finally {
      await api.close();
    }

    const cliDb = path.join(dir, 'cli.db');
    const cli = await startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', cliDb], env(fast, 'cli')).exited;
    expect(cli.code, cli.stderr).toBe(0);

    const consoleDb = path.join(consoleDir, 'event-validator.db');
    const fromConsole = runAudit(consoleDb);
    expect(fromConsole.map((r) => r.action)).toEqual(['start batch', 'batch finished']);
    expect(fromConsole[1]).toMatchObject({ actor: 'engine', target: '1', after_json: JSON.stringify({ evaluated: 3, failures: 0 }) });
    expect(runAudit(cliDb)).toEqual(fromConsole);
    const runRow = (db: string) => query(db, 'SELECT id, batch_name, state, total_rows, attachments_root FROM runs');
    expect(runRow(cliDb)).toEqual(runRow(consoleDb));
  }, 120_000);

  it('audits a CLI cancel (SIGINT) and the --resume that finishes the run', async () => {
    const db = path.join(dir, 'cancel.db');
    const run = startCli(['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--json'], env(slow, 'c1'));
    expect(await run.waitFor('submission', 2)).toBe(true);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(3);
    const resumed = await startCli(['validate', '--resume', '--db', db], env(fast, 'c2')).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runAudit(db).map((r) => [r.actor, r.action, r.target])).toEqual([
      ['operator', 'start batch', '1'],
      ['operator', 'cancel batch', '1'],
      ['engine', 'batch cancelled', '1'],
      ['operator', 'resume batch', '1'],
      ['engine', 'batch finished', '1'],
    ]);
  }, 120_000);
});
