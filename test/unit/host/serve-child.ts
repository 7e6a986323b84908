// `event-validator serve` as a child process for the host's crash and load tests: its own data folder and TMPDIR
// (so the uploads folder it creates can be watched), the printed URL and token, and a way to stop it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../../electron/host/renderer-build';

const bin = path.join(repoRoot, 'bin', 'event-validator.mjs');

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  url: URL;
  port: number;
  token: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServe(dataDir: string, tmpDir: string, extraEnv: Record<string, string> = {}): Promise<ServeChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVENT_VALIDATOR_HOME: dataDir, TMPDIR: tmpDir };
  delete env.GEMINI_API_KEY;
  delete env.GROQ_API_KEY;
  Object.assign(env, extraEnv); // a test's own keys (a simulator's) go back in
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: repoRoot, env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before printing a URL: ${stderr}`)));
  });
  const url = new URL(first);
  return {
    child,
    url,
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    stderr: () => stderr,
    exited,
  };
}
