// A real redis-server process on a free loopback port, no persistence: for tests (redis-server.ts) and the bench,
// which runs outside vitest. Callers skip with a clear message only where the binary is absent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** Why Redis tests skip here, or null when a redis-server binary runs. */
export const redisSkipReason: string | null = (() => {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error || probe.status !== 0) {
    return `redis-server not found (${binary}); install the Debian package redis-server to run the shared-quota tests`;
  }
  return null;
})();

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The server's process id (for SIGSTOP/SIGCONT in fault tests); null while stopped. */
  pid(): number | null;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: a crash, nothing flushed. */
  kill(): Promise<void>;
  /** Start again on the same port (after stop or kill), empty: there is no persistence. */
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  /** Fixed port (to restart on one a previous server used); default a free one. */
  port?: number;
  /** Milliseconds to wait for "Ready to accept connections"; default 10 s. */
  readyTimeoutMs?: number;
}

/** A free loopback TCP port (the kernel's choice for port 0, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function launch(port: number, readyTimeoutMs: number): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
    '--logfile',
    '',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on 127.0.0.1:${port} did not start: ${why}\n${log.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${readyTimeoutMs} ms`), readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (code ${code}, signal ${signal})`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (e) => fail(e.message));
  });
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Starts a redis-server; retries on another free port if the one chosen was taken meanwhile (unless fixed). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let child: ChildProcess | null = null;
  let port = options.port ?? 0;
  for (let attempt = 0; child === null; attempt++) {
    const candidate = options.port ?? (await freePort());
    try {
      child = await launch(candidate, readyTimeoutMs);
      port = candidate;
    } catch (e) {
      if (options.port !== undefined || attempt >= 4) throw e;
    }
  }
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null),
    async stop() {
      if (child) await exited(child, 'SIGTERM');
      child = null;
    },
    async kill() {
      if (child) await exited(child, 'SIGKILL');
      child = null;
    },
    async restart() {
      if (child) await exited(child, 'SIGTERM');
      child = null;
      // The port was just released; the kernel may take a moment, so try a few times on the same port.
      for (let attempt = 0; ; attempt++) {
        try {
          child = await launch(port, readyTimeoutMs);
          return;
        } catch (e) {
          if (attempt >= 9) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  };
  return server;
}
