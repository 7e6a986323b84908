// Issue 16.4: a provider whose 400/401 error bodies echo the key ("API key not valid: <key>") must not get that key
// stored, logged, exported or sent to a client. The simulator echoes both keys (and a Gemini-shaped string) on every
// call; then the database bytes, the exports, the CLI's output (plain and --json), and every HTTP reply and WebSocket
// message of the web host are searched for them. "[redacted key]" in the database proves the echo reached the app.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApi, type ApiService } from '../../electron/api';
import { createHost, type Host } from '../../electron/host/host';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { REDACTED } from '../../electron/redact';
import { cliEnv, repoRoot, startCli } from '../helpers/cli';
import { soakTimeout } from './soak-scale';

const BATCH = path.join(repoRoot, 'test/fixtures/sample/batch.csv');
const ATTACHMENTS = path.join(repoRoot, 'test/fixtures/sample/attachments');
/** A guard against a hang, scaled in the soak by the load (test/reliability/soak-scale.ts). */
const TEST_TIMEOUT = soakTimeout(240_000);
const geminiKey = `sim-gemini-echo-${randomBytes(12).toString('hex')}`;
const groqKey = `sim-groq-echo-${randomBytes(12).toString('hex')}`;
/** Not a key we configured, but shaped like a real Gemini key: masked by shape. */
const shaped = `AIza${randomBytes(24).toString('base64url').slice(0, 35)}`;
const SECRETS = [geminiKey, groqKey, shaped];

let sim: Simulator;
let dir: string;

function echoKeys(): void {
  sim.control.reset();
  const times = 10_000;
  const geminiBody = {
    error: {
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `API key not valid: ${geminiKey} (nor ${shaped}). Please pass a valid API key.`,
    },
  };
  const groqBody = {
    error: {
      message: `Invalid API Key: ${groqKey}`,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    },
  };
  sim.control.script({
    provider: 'gemini',
    responses: [{ status: 400, body: geminiBody, times }],
  });
  sim.control.script({
    provider: 'groq',
    responses: [{ status: 401, body: groqBody, times }],
  });
}

function leaksIn(where: string, bytes: Buffer | string): string[] {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return SECRETS.filter((k) => b.includes(k) || b.includes(Buffer.from(k, 'utf16le'))).map((k) => `${where} holds ${k.slice(0, 12)}…`);
}

async function dbBytes(folder: string, prefix: string): Promise<Buffer> {
  const files = (await readdir(folder)).filter((f) => f.startsWith(prefix));
  expect(files.length).toBeGreaterThan(0);
  return Buffer.concat(await Promise.all(files.map((f) => readFile(path.join(folder, f)))));
}

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 11 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-key-echo-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fastEnv = {
  STAGGER_ENABLED: 'false',
  GEMINI_CIRCUIT_BREAKER_COOLDOWN: '1',
  GROQ_CIRCUIT_BREAKER_COOLDOWN: '1',
};

describe('keys echoed by a provider', () => {
  it(
    'never reach the database, the export or the CLI output',
    async () => {
      echoKeys();
      const home = path.join(dir, 'cli-home');
      const env = {
        ...cliEnv(sim.baseUrl, home, fastEnv),
        GEMINI_API_KEY: geminiKey,
        GROQ_API_KEY: groqKey,
      };
      const leaks: string[] = [];
      for (const mode of ['plain', 'json'] as const) {
        const db = path.join(dir, `${mode}.db`);
        const out = path.join(dir, `${mode}-results.csv`);
        const run = startCli(
          ['validate', BATCH, '--attachments', ATTACHMENTS, '--db', db, '--out', out, ...(mode === 'json' ? ['--json'] : [])],
          env,
        );
        const exit = await run.exited;
        expect(exit.code, exit.stderr).toBe(0);
        leaks.push(...leaksIn(`${mode} stdout`, exit.stdout), ...leaksIn(`${mode} stderr`, exit.stderr));
        const bytes = await dbBytes(dir, `${mode}.db`);
        expect(bytes.includes(REDACTED)).toBe(true);
        leaks.push(...leaksIn(`${mode} database`, bytes), ...leaksIn(`${mode} export`, await readFile(out)));
      }
      expect(sim.control.log().some((e) => e.provider === 'gemini' && e.status === 400)).toBe(true);
      expect(sim.control.log().some((e) => e.provider === 'groq' && e.status === 401)).toBe(true);
      expect(leaks).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'never reach an HTTP reply or a WebSocket message of the web host',
    async () => {
      echoKeys();
      const home = path.join(dir, 'host-home');
      const env = {
        ...cliEnv(sim.baseUrl, home, fastEnv),
        GEMINI_API_KEY: geminiKey,
        GROQ_API_KEY: groqKey,
      };
      let api: ApiService | null = null;
      let host: Host | null = null;
      let ws: WebSocket | null = null;
      try {
        api = await createApi({ userDataDir: home, env });
        host = await createHost({
          api,
          port: 0,
          staticDir: path.join(dir, 'no-static'),
          log: () => undefined,
        });
        const base = `http://127.0.0.1:${host.port}`;
        const headers = {
          'x-validator-token': host.token,
          'content-type': 'application/json',
        };
        const replies: string[] = [];
        const post = async (name: string, body: unknown) => {
          const res = await fetch(`${base}/api/${name}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          });
          const text = await res.text();
          replies.push(text);
          expect(res.status, text).toBe(200);
          return JSON.parse(text) as Record<string, unknown>;
        };
        const messages: string[] = [];
        ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, {
          headers: { 'x-validator-token': host.token },
        });
        await new Promise((resolve, reject) => ws!.once('open', resolve).once('error', reject));
        const finished = new Promise<void>((resolve) =>
          ws!.on('message', (m) => {
            messages.push(String(m));
            const { event, payload } = JSON.parse(String(m)) as {
              event: string;
              payload: { state?: string };
            };
            if (event === 'progress' && payload.state === 'finished') resolve();
          }),
        );
        const up = await fetch(`${base}/api/upload?name=batch.csv`, {
          method: 'POST',
          headers: { 'x-validator-token': host.token },
          body: await readFile(BATCH),
        });
        const { id } = (await up.json()) as { id: string };
        const folder = (await (
          await fetch(`${base}/api/upload-folder`, {
            method: 'POST',
            headers: { 'x-validator-token': host.token },
          })
        ).json()) as { id: string };
        for (const e of await readdir(ATTACHMENTS, {
          withFileTypes: true,
          recursive: true,
        })) {
          if (!e.isFile()) continue;
          const rel = path.relative(ATTACHMENTS, path.join(e.parentPath, e.name)).split(path.sep).join('/');
          const put = await fetch(`${base}/api/upload-folder/${folder.id}?path=${encodeURIComponent(rel)}`, {
            method: 'POST',
            headers: { 'x-validator-token': host.token },
            body: await readFile(path.join(e.parentPath, e.name)),
          });
          expect(put.status).toBe(200);
        }
        const files = {
          file: { kind: 'upload', id },
          attachments: { kind: 'upload', id: folder.id },
        };
        const { runId } = (await post('startBatch', files)) as { runId: string };
        await finished;

        const results = (await post('getResults', {
          runId,
          offset: 0,
          limit: 1000,
        })) as { rows: Array<{ submissionId: string }> };
        expect(results.rows.length).toBeGreaterThan(0);
        for (const r of results.rows) await post('getSubmission', { runId, submissionId: r.submissionId });
        await post('listAlerts', { includeAcknowledged: true });
        await post('readAuditLog', { offset: 0, limit: 1000 });
        await post('getSnapshot', {});
        const exported = (await post('exportResults', {
          runId,
          format: 'csv',
        })) as { downloadUrl: string };
        const file = await fetch(`${base}${exported.downloadUrl}`, {
          headers: { 'x-validator-token': host.token },
        });
        replies.push(await file.text());

        expect(replies.join('\n')).toContain(REDACTED);
        const leaks = [...leaksIn('HTTP replies', replies.join('\n')), ...leaksIn('WebSocket messages', messages.join('\n'))];
        leaks.push(...leaksIn('database', await dbBytes(home, 'event-validator.db')));
        expect(leaks).toEqual([]);
      } finally {
        ws?.close();
        await host?.close();
        await api?.close();
      }
    },
    TEST_TIMEOUT,
  );
});
