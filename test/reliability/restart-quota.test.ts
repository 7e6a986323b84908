// Restarts remember the quota (docs/engine-runtime.md): the headless CLI against an HTTP simulator in this process,
// which keeps its quota state across the CLI's restarts as the real provider would. (b) A run SIGKILLed mid-minute and
// resumed draws no 429: the resumed limiter counts its predecessor's calls still in the server's sliding minute.
// (c) A restarted process refuses to spend past a daily quota an earlier one used up: by its own count (seeded day
// counter) and by the provider's word (a stored daily exhaustion). No call is sent; the rows end undetermined.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { openStore } from '../../electron/store/store';
import { DEFAULT_CONFIG } from '../../shared/config';
import { cliEnv, repoRoot, startCli } from '../helpers/cli';
import { soakTimeout } from './soak-scale';

const SAMPLE = path.join(repoRoot, 'test/fixtures/sample/batch.csv');
/** The sample's first rows: enough calls to fill the server's minute past what a blind restart could send, no more. */
const ROWS = 8;
const ATTACHMENTS = path.join(repoRoot, 'test/fixtures/sample/attachments');
const GEMINI_MODELS = [...new Set([DEFAULT_CONFIG.providers.gemini.textModel, DEFAULT_CONFIG.providers.gemini.visionModel])];
/** The server's per-minute limit in (b), and ours: 18 a sliding minute after the 0.9 safety factor. */
const SERVER_RPM = 20;
/** A guard against a hang, scaled in the soak by the load (test/reliability/soak-scale.ts). */
const TEST_TIMEOUT = soakTimeout(300_000);

let sim: Simulator;
let dir: string;
let BATCH: string;

beforeAll(async () => {
  // Latencies sped up 20× (a few hundred ms a call); the quota windows run on real time, as the server's do.
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.05, seed: 7, logLimit: 100_000 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-restart-'));
  BATCH = path.join(dir, 'batch.csv');
  const lines = (await readFile(SAMPLE, 'utf8')).split('\n');
  await writeFile(BATCH, `${lines.slice(0, ROWS + 1).join('\n')}\n`);
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const isCall = (e: { route: string }) => e.route === 'generateContent' || e.route === 'chat.completions';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gemini only (no fallback to hide a refusal), one key per test so the simulator's per-key quotas don't mix. */
function env(name: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...cliEnv(sim.baseUrl, path.join(dir, `home-${name}`)), GEMINI_API_KEY: `sim-${name}`, PROVIDER_ORDER: 'gemini', ...extra };
}

function results(db: string) {
  const store = openStore(db);
  try {
    return store.listRuns().flatMap((run) => store.results(run.id).map((r) => ({ run: run.id, ...r.result })));
  } finally {
    store.close();
  }
}

describe('restarts remember the quota', () => {
  it(
    'a run killed mid-minute and resumed draws 0 429s: the resumed limiter counts the calls still in the server window',
    async () => {
      for (const model of GEMINI_MODELS) sim.control.setQuota({ provider: 'gemini', model, key: 'sim-killed', limits: { rpm: SERVER_RPM } });
      const db = path.join(dir, 'killed.db');
      const e = env('killed', { GEMINI_RPM_LIMIT: String(SERVER_RPM) });
      const from = sim.control.log().length;
      const first = startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--json'], e);
      // Kill once the server has counted 12 of its 20: a blind restart would send 18 at once into that minute.
      const deadline = Date.now() + soakTimeout(60_000);
      while (sim.control.log().slice(from).filter(isCall).length < 12 && Date.now() < deadline && first.child.exitCode === null) await sleep(10);
      first.child.kill('SIGKILL');
      const killed = await first.exited;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const restartAt = Date.now();
      const before = sim.control.log().slice(from).filter(isCall);
      const inServerMinute = before.filter((l) => l.at > restartAt - 60_000).length;
      expect(inServerMinute).toBeGreaterThanOrEqual(12);
      expect(before.filter((l) => l.status === 429)).toEqual([]);

      const mark = sim.control.log().length;
      const resumed = startCli(['validate', '--resume', '--db', db, '--json'], e);
      const done = await resumed.exited;
      expect(done.code, done.stderr).toBe(0);
      const after = sim.control.log().slice(mark).filter(isCall);
      // Not vacuous: the resumed run sent more than a blind limiter could have without the server refusing.
      expect(inServerMinute + Math.min(after.length, 18)).toBeGreaterThan(SERVER_RPM);
      expect(after.filter((l) => l.status === 429).map((l) => `${l.seq} ${l.dimension}`)).toEqual([]);
      const rows = results(db);
      expect(rows).toHaveLength(ROWS);
      expect(rows.every((r) => r.rules.every((x) => x.verdict !== 'undetermined' || !/429|quota/i.test(x.reason)))).toBe(true);
    },
    TEST_TIMEOUT,
  );

  it(
    'a restarted process does not spend past a daily quota an earlier one used up by our own count',
    async () => {
      // The server would allow more; our configured day (10 × 0.9 = 9 requests) is what binds.
      const db = path.join(dir, 'own-day.db');
      const e = env('own-day', { GEMINI_RPD_LIMIT: '10' });
      const first = await startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--json'], e).exited;
      expect(first.code, first.stderr).toBe(0);
      const spent = sim.control.log().filter((l) => isCall(l) && l.key?.startsWith('sim-own-'));
      expect(spent).toHaveLength(9);

      const mark = sim.control.log().length;
      const second = await startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--json'], e).exited;
      expect(second.code, second.stderr).toBe(0);
      expect(sim.control.log().slice(mark).filter(isCall)).toEqual([]);
      const rows = results(db).filter((r) => r.run === 2);
      expect(rows).toHaveLength(ROWS);
      const llm = rows.flatMap((r) => r.rules).filter((x) => x.verdict === 'undetermined');
      expect(llm.length).toBeGreaterThan(0);
      expect(llm.every((x) => x.reason.includes('gemini quota spent until 00:00 PT'))).toBe(true);
    },
    TEST_TIMEOUT,
  );

  it(
    'a restarted process keeps the daily exhaustion the provider reported, until its reset',
    async () => {
      for (const model of GEMINI_MODELS) sim.control.setQuota({ provider: 'gemini', model, key: 'sim-server-day', limits: { rpd: 4 } });
      const db = path.join(dir, 'server-day.db');
      const e = env('server-day');
      const first = await startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--json'], e).exited;
      expect(first.code, first.stderr).toBe(0);
      const mine = (l: { key: string | null }) => l.key?.startsWith('sim-serv') === true;
      expect(sim.control.log().filter((l) => isCall(l) && mine(l) && l.dimension === 'RPD').length).toBeGreaterThan(0);

      const mark = sim.control.log().length;
      const second = await startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--json'], e).exited;
      expect(second.code, second.stderr).toBe(0);
      expect(sim.control.log().slice(mark).filter(isCall)).toEqual([]);
      const undetermined = results(db)
        .filter((r) => r.run === 2)
        .flatMap((r) => r.rules)
        .filter((x) => x.verdict === 'undetermined');
      expect(undetermined.length).toBeGreaterThan(0);
      expect(undetermined.every((x) => x.reason.includes('gemini exhausted until 00:00 PT'))).toBe(true);
    },
    TEST_TIMEOUT,
  );
});
