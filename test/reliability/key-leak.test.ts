// API keys stay secret end to end: a distinctive key in the file vault (Gemini) and in the environment (Groq), a real
// headless run against the simulator with failures on the way (429s and 500s from Gemini, a 401 from Groq), then the key's bytes must
// not appear in stdout/stderr (plain and --json), the database and its journal files, the export, any other file in
// the data folder but the sealed vault, or the built renderer (out/renderer, when built). Window hardening, the web
// host's token/origin checks and the Api's write-only keys are covered in test/unit/{electron,host} and
// test/integration/api.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { FileKeyVault } from '../../electron/store/file-key-vault';
import { cliEnv, repoRoot, startCli } from '../helpers/cli';
import { soakTimeout } from './soak-scale';

const BATCH = path.join(repoRoot, 'test/fixtures/sample/batch.csv');
const ATTACHMENTS = path.join(repoRoot, 'test/fixtures/sample/attachments');
const SEALED = new Set(['keys.json', 'master.key']);
/** A guard against a hang, scaled in the soak by the load (test/reliability/soak-scale.ts). */
const TEST_TIMEOUT = soakTimeout(180_000);

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 3 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-keys-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

describe('API keys never leak', () => {
  it(
    'not in output, database, export, data folder or renderer build after a run with failures',
    async () => {
      // Simulator keys start with "sim-"; the rest is unique to this run, so any hit is a leak.
      const geminiKey = `sim-gemini-canary-${randomBytes(12).toString('hex')}`;
      const groqKey = `sim-groq-canary-${randomBytes(12).toString('hex')}`;
      const home = path.join(dir, 'home');
      new FileKeyVault(home).set('gemini', geminiKey);
      const env: NodeJS.ProcessEnv = { ...cliEnv(sim.baseUrl, home), GROQ_API_KEY: groqKey };
      delete env.GEMINI_API_KEY;
      sim.control.script({
        provider: 'gemini',
        responses: [
          { status: 429, times: 2 },
          { status: 500, times: 2 },
        ],
      });
      sim.control.script({ provider: 'groq', responses: [{ status: 401 }] });

      const db = path.join(dir, 'run.db');
      const out = path.join(dir, 'results.csv');
      const plain = startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--out', out], env);
      const plainExit = await plain.exited;
      expect(plainExit.code, plainExit.stderr).toBe(0);
      // Second run, in its own database (no cache hits): Groq first (at its tier-1 limits), so its key goes out and meets
      // the 401. A short breaker cooldown: the open breaker's cooldown timer keeps the CLI alive after "done" (reported).
      const db2 = path.join(dir, 'run2.db');
      const out2 = path.join(dir, 'results2.csv');
      const json = startCli(['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db2, '--out', out2, '--json'], {
        ...env,
        PROVIDER_ORDER: 'groq,gemini',
        GROQ_RPM_LIMIT: '1000',
        GROQ_TPM_LIMIT: '300000',
        GROQ_RPD_LIMIT: '500000',
        GROQ_TPD_LIMIT: '1000000000',
        GROQ_CIRCUIT_BREAKER_COOLDOWN: '1',
      });
      const jsonExit = await json.exited;
      expect(jsonExit.code, jsonExit.stderr).toBe(0);

      // The keys really were used: the simulator saw both (it logs them masked).
      const seen = new Set(sim.control.log().map((e) => e.key));
      expect([...seen].some((k) => k?.startsWith(geminiKey.slice(0, 8)))).toBe(true);
      expect([...seen].some((k) => k?.startsWith(groqKey.slice(0, 8)))).toBe(true);
      expect(sim.control.log().some((e) => e.provider === 'groq' && e.status === 401)).toBe(true);

      const leaks: string[] = [];
      const check = (where: string, bytes: Buffer | string) => {
        for (const key of [geminiKey, groqKey]) {
          const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
          // Plain UTF-8, and UTF-16LE in case something wrote wide strings.
          if (b.includes(key) || b.includes(Buffer.from(key, 'utf16le')))
            leaks.push(`${where} holds the ${key.startsWith('sim-gemini') ? 'Gemini' : 'Groq'} key`);
        }
      };
      check('stdout (plain)', plainExit.stdout);
      check('stderr (plain)', plainExit.stderr);
      check('stdout (--json)', jsonExit.stdout);
      check('stderr (--json)', jsonExit.stderr);
      const dbFiles = (await readdir(dir)).filter((f) => /^run2?\.db/.test(f));
      expect(dbFiles).toEqual(expect.arrayContaining(['run.db', 'run2.db']));
      for (const f of dbFiles) check(f, await readFile(path.join(dir, f)));
      check('export', await readFile(out));
      check('export (2)', await readFile(out2));
      for (const f of await files(home)) if (!SEALED.has(path.basename(f))) check(path.relative(dir, f), await readFile(f));
      for (const f of await files(path.join(repoRoot, 'out/renderer'))) check(path.relative(repoRoot, f), await readFile(f));
      expect(leaks).toEqual([]);
      // And the vault itself holds it sealed, not in plain text.
      for (const f of SEALED) if (existsSync(path.join(home, f))) expect((await readFile(path.join(home, f))).includes(geminiKey)).toBe(false);
    },
    TEST_TIMEOUT,
  );
});
