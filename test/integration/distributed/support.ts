// Shared pieces of the fleet tests: `event-validator simulate` as its own OS process (its log read over the control
// API), fleet workers as OS processes, and a peek at the fleet's instance registry in Redis.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import type { LogEntry } from '../../../electron/providers/simulator/types';
import type { FleetInstance } from '../../../shared/telemetry';
import { CLI, repoRoot, startCli, type CliRun } from '../../helpers/cli';

export interface SimulatorProcess {
  baseUrl: string;
  log(): Promise<LogEntry[]>;
  quota(spec: object): Promise<void>;
  /** Holds and bursts (docs/providers.md §6): hold new requests, list the held ones, answer all held with one fault. */
  hold(spec: object): Promise<void>;
  held(): Promise<LogEntry[]>;
  burst(spec: object): Promise<number>;
  close(): Promise<void>;
}

export async function startSimulateProcess(args: string[]): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [CLI, 'simulate', '--port', '0', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /simulator listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`simulate exited with ${code} before listening: ${out}`)));
  });
  const control = async (method: string, action: string, body?: object) => {
    const res = await fetch(`${baseUrl}/__sim/${action}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`simulator ${action}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  return {
    baseUrl,
    log: async () => ((await control('GET', 'log')) as { entries: LogEntry[] }).entries,
    quota: async (spec) => void (await control('POST', 'quota', spec)),
    hold: async (spec) => void (await control('POST', 'hold', spec)),
    held: async () => ((await control('GET', 'held')) as { entries: LogEntry[] }).entries,
    burst: async (spec) => ((await control('POST', 'burst', spec)) as { answered: number }).answered,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function startWorker(env: NodeJS.ProcessEnv, db: string, extra: string[] = []): CliRun {
  return startCli(['worker', '--db', db, '--lock-ms', '2000', '--concurrency', '1', ...extra], env);
}

/** The fleet's heartbeats as the registry holds them (the coordinator and the workers). */
export async function registry(url: string): Promise<FleetInstance[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return Object.values(await redis.hgetall('ev:fleet:instances')).map((j) => JSON.parse(j) as FleetInstance);
  } finally {
    redis.disconnect();
  }
}

export async function until(ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await ok()) return true;
  return false;
}

/** A worker whose heartbeat says it holds a chunk now, SIGKILLed; undefined if none was busy within `timeoutMs`. */
export async function killBusyWorker(url: string, workers: CliRun[], timeoutMs: number): Promise<CliRun | undefined> {
  let victim: CliRun | undefined;
  await until(async () => {
    const busy = (await registry(url)).filter((x) => x.role === 'worker' && x.active > 0).map((x) => x.pid);
    victim = workers.find((w) => busy.includes(w.child.pid ?? -1));
    return victim !== undefined;
  }, timeoutMs);
  victim?.child.kill('SIGKILL');
  return victim;
}
