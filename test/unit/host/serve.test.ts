// `event-validator serve`: the URL with its token is the first line of output, the host answers behind it,
// bad options exit 2 with a message, and SIGTERM stops it cleanly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, repoRoot } from '../../../electron/host/renderer-build';

const bin = path.join(repoRoot, 'bin', 'event-validator.mjs');

function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, EVENT_VALIDATOR_HOME: dataDir };
  delete e.GEMINI_API_KEY;
  delete e.GROQ_API_KEY;
  return e;
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

let dataDir: string;
beforeAll(async () => {
  await ensureRendererBuilt();
  dataDir = await mkdtemp(path.join(tmpdir(), 'serve-test-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('event-validator serve', () => {
  it('prints the tokenised URL first, serves the console and the Api behind it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: repoRoot, env: env(dataDir) });
    const exited = exitOf(child);
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing a URL`)));
      });
      const url = new URL(first);
      expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = url.searchParams.get('token') ?? '';
      expect(token).toMatch(/^[\w-]{32}$/);

      const open = await fetch(first, { redirect: 'manual' });
      expect(open.status).toBe(303);
      const cookie = (open.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const page = await fetch(new URL('/', url), { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<div id="root">');

      const config = await fetch(new URL('/api/getConfig', url), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(config.status).toBe(200);
      expect(((await config.json()) as { providers: { gemini: { rpm: number } } }).providers.gemini.rpm).toBeGreaterThan(0);
      const keys = await fetch(new URL('/api/getKeyStatus', url), { method: 'POST', headers: { 'x-validator-token': token }, body: '{}' });
      expect(await keys.json()).toMatchObject({ simulated: true });
      expect((await fetch(new URL('/api/getConfig', url), { method: 'POST', body: '{}' })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a bad port with exit code 2 and says why', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '70000'], { cwd: repoRoot, env: env(dataDir) });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toMatch(/--port must be a whole number from 0 to 65535, got "70000"/);
  });
});
