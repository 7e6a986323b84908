// A timed-out call leaves nothing that keeps Node alive (the Gemini SDK's own timeout timer would, for its full
// length): a child process that makes timed-out calls exits promptly by itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '../../../electron/providers/simulator/server';
import { simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const SERVER_DELAY_MS = 20_000;

it('a child process whose calls time out exits long before the server would have answered', async () => {
  sim.control.script({ provider: 'gemini', responses: [{ delayMs: SERVER_DELAY_MS }] });
  sim.control.script({ provider: 'groq', responses: [{ delayMs: SERVER_DELAY_MS }] });
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./timeout-child.ts', import.meta.url))], {
    env: { ...process.env, SIM_URL: sim.baseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const exitedAt = Date.now();
  expect(err).toBe('');
  expect(code).toBe(0);
  const report = JSON.parse(out) as { kinds: string[]; doneAt: number };
  expect(report.kinds).toEqual(['timeout', 'timeout']);
  // Measured from the calls' end, so start-up on a busy machine doesn't count; a dangling timer would hold the
  // child for the rest of the server's 20 s.
  expect(exitedAt - report.doneAt).toBeLessThan(SERVER_DELAY_MS / 2);
}, 30_000);
