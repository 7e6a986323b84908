// Running the headless CLI (bin/event-validator.mjs) as a child process against a simulator in the test process:
// the env that points both SDKs at it, and a handle that streams the --json lines and can SIGKILL the run.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(repoRoot, 'bin/event-validator.mjs');

/** The parent's env without any provider variable of ours, plus keys and base URLs for the simulator. */
export function cliEnv(baseUrl: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GEMINI|GROQ)_/.test(k)) env[k] = v;
  return {
    ...env,
    GEMINI_API_KEY: 'sim-test',
    GROQ_API_KEY: 'sim-test',
    GEMINI_BASE_URL: baseUrl,
    GROQ_BASE_URL: baseUrl,
    EVENT_VALIDATOR_HOME: home,
    ...extra,
  };
}

export interface CliRun {
  child: ChildProcess;
  /** Parsed --json lines so far. */
  lines: Array<Record<string, unknown>>;
  /** Resolves once `n` lines of this type have arrived (or the process ended first: false). */
  waitFor(type: string, n: number): Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        lines.push({ type: 'unparsed', text: p });
      }
    }
    for (const w of [...waiters]) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const w of [...waiters]) w();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const waitFor = (type: string, n: number) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (lines.filter((l) => l.type === type).length >= n) return done(true);
        if (child.exitCode !== null || child.signalCode !== null) return done(false);
      };
      const done = (v: boolean) => {
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
        resolve(v);
      };
      waiters.push(check);
      check();
    });
  return { child, lines, waitFor, exited };
}
