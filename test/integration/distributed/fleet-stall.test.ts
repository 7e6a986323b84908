// A stalled, not dead, worker (docs/scale-out.md "At-least-once delivery, exactly one call"): worker A is SIGSTOPped
// mid-chunk past its BullMQ lock but not past its submission claims, so the chunk is handed to worker B while A still
// evaluates it. When A resumes, both run the same chunk at once; the claims keep every submission on one worker, so
// each request the simulator accepted belongs to exactly one committed result (without the claims, B re-calls A's
// in-flight submissions and the simulator sees requests no result records).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { CHUNK_QUEUE } from '../../../electron/distributed/protocol';
import { redisOptions } from '../../../electron/distributed/redis';
import { cliEnv, startCli, type CliRun } from '../../helpers/cli';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query } from '../pipeline/support';
import { registry, startSimulateProcess, startWorker, until, type SimulatorProcess } from './support';

let dir: string;
let redis: RedisServer;
let sim: SimulatorProcess;

describeWithRedis('a stalled worker: one chunk on two workers at once', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ev-stall-'));
    [redis, sim] = await Promise.all([startRedisServer(), startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.3', '--seed', '7'])]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sim?.close(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGSTOP past the lock, not the claim: the chunk is redelivered, and every submission is called by one worker only', async () => {
    const env = (home: string) =>
      cliEnv(sim.baseUrl, path.join(dir, home), {
        REDIS_URL: redis.url,
        STAGGER_ENABLED: 'false',
        GEMINI_API_KEY: 'sim-stall',
        GROQ_API_KEY: 'sim-stall',
      });
    const stalls = new QueueEvents(CHUNK_QUEUE, { connection: redisOptions(new URL(redis.url)) });
    let stalled = 0;
    stalls.on('stalled', () => stalled++);
    await stalls.waitUntilReady();
    // A 1 s lock lapses during the stop; a 60 s claim does not.
    const workers: CliRun[] = ['a', 'b'].map((w) => startWorker(env(w), path.join(dir, `${w}.db`), ['--lock-ms', '1000', '--claim-ms', '60000']));
    try {
      expect(
        await until(async () => (await registry(redis.url)).filter((x) => x.role === 'worker').length === 2, 120_000),
        'workers registered',
      ).toBe(true);
      const db = path.join(dir, 'fleet.db');
      // One chunk: whoever takes it first is the one to stall.
      const coordinator = startCli(
        ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--distributed', '--chunk-size', '1000', '--json'],
        env('coordinator'),
      );
      let holder: CliRun | undefined;
      expect(
        await until(async () => {
          const busy = (await registry(redis.url)).filter((x) => x.role === 'worker' && x.active > 0).map((x) => x.pid);
          holder = workers.find((w) => busy.includes(w.child.pid ?? -1));
          return holder !== undefined && (await sim.log()).some((e) => e.route === 'generateContent' || e.route === 'chat.completions');
        }, 180_000),
        'a worker holds the chunk and has called',
      ).toBe(true);
      const a = holder as CliRun;
      const b = workers.find((w) => w !== a) as CliRun;
      a.child.kill('SIGSTOP');
      let bTookIt = false;
      try {
        bTookIt = await until(async () => {
          const bBusy = (await registry(redis.url)).some((x) => x.pid === b.child.pid && x.active > 0);
          return stalled > 0 && bBusy;
        }, 60_000);
      } finally {
        a.child.kill('SIGCONT');
      }
      expect(bTookIt, 'the chunk was redelivered to the second worker while the first was stopped').toBe(true);

      const done = await coordinator.exited;
      expect(done.code, done.stderr).toBe(0);
      const total = (await readCsv(SAMPLE_BATCH)).rows.length;
      expect(query(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions')).toEqual([{ n: total, d: total }]);
      // Exactly once: every request the simulator saw is one call record of one committed result, and none is missing.
      const seen = modelCalls(await sim.log());
      const recorded = query<{ n: number }>(db, 'SELECT count(*) AS n FROM calls')[0]?.n;
      expect(seen.length).toBeGreaterThan(0);
      expect(recorded, 'requests at the simulator vs call records of committed results').toBe(seen.length);
      // The coordinator's progress counts the workers' calls as their results come in (it makes none itself).
      const progressCalls = coordinator.lines.flatMap((l) =>
        l.type === 'progress' ? [(l.batch as { callsUsed: number } | null)?.callsUsed ?? 0] : [],
      );
      expect(Math.max(0, ...progressCalls)).toBeGreaterThan(0);
      expect(Math.max(0, ...progressCalls)).toBeLessThanOrEqual(recorded ?? 0);
    } finally {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await stalls.close();
    }
  }, 480_000);
});
