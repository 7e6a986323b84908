// One batch on N BullMQ workers (real OS processes, a real redis-server, `event-validator simulate` as its own process):
// a worker is SIGKILLed mid-chunk, its chunk is redelivered after the stall check, and still every submission has
// exactly one result, the verdicts equal a single-process run's, and no submission finished before is called again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { CHUNK_QUEUE } from '../../../electron/distributed/protocol';
import { redisOptions } from '../../../electron/distributed/redis';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli, type CliRun } from '../../helpers/cli';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, exportedRows, modelCalls, query, requestMatcher } from '../pipeline/support';
import { peakPerWindow, rateLimited } from '../../helpers/quota-proof';
import { PRESETS } from '../../../electron/providers/simulator/presets';
import { killBusyWorker, registry, startSimulateProcess, startWorker, until, type SimulatorProcess } from './support';

let dir: string;
let redis: RedisServer;
let reference: Simulator;
let sim: SimulatorProcess;
let refDb: string;

const verdicts = (db: string) =>
  query<{ submission_id: string; status: string; score: number }>(db, 'SELECT submission_id, status, score FROM submissions ORDER BY row');

describeWithRedis('one batch on a BullMQ fleet', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ev-fleet-'));
    redis = await startRedisServer();
    reference = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5 });
    refDb = path.join(dir, 'reference.db');
    const ref = await startCli(
      ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', refDb],
      cliEnv(reference.baseUrl, path.join(dir, 'ref'), { STAGGER_ENABLED: 'false' }),
    ).exited;
    expect(ref.code, ref.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([reference?.close(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([2, 4])(
    'N = %i workers, one SIGKILLed mid-chunk: one result per submission, same verdicts, nothing finished re-called',
    async (n) => {
      // Slow enough that a chunk of 4 takes seconds, so the kill lands while the victim holds one.
      sim = await startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.3', '--seed', '5']);
      const env = (home: string) =>
        cliEnv(sim.baseUrl, path.join(dir, `${n}-${home}`), {
          REDIS_URL: redis.url,
          STAGGER_ENABLED: 'false',
          GEMINI_API_KEY: 'sim-fleet',
          GROQ_API_KEY: 'sim-fleet',
        });
      const stalls = new QueueEvents(CHUNK_QUEUE, { connection: redisOptions(new URL(redis.url)) });
      let stalled = 0;
      stalls.on('stalled', () => stalled++);
      await stalls.waitUntilReady();
      const workers: CliRun[] = Array.from({ length: n }, (_, i) => startWorker(env(`w${i}`), path.join(dir, `${n}-w${i}.db`)));
      try {
        expect(
          await until(async () => (await registry(redis.url)).filter((x) => x.role === 'worker').length === n, 60_000),
          'workers registered',
        ).toBe(true);

        const db = path.join(dir, `fleet-${n}.db`);
        const out = path.join(dir, `fleet-${n}.csv`);
        const coordinator = startCli(
          ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--out', out, '--distributed', '--chunk-size', '4', '--json'],
          env('coordinator'),
        );
        expect(await coordinator.waitFor('submission', 3), 'the fleet made progress').toBe(true);
        // The victim: a worker whose heartbeat says it holds a chunk now.
        const victim = await killBusyWorker(redis.url, workers, 30_000);
        expect(victim, 'a busy worker to kill').toBeDefined();
        expect((await victim?.exited)?.signal).toBe('SIGKILL');

        const done = await coordinator.exited;
        expect(done.code, done.stderr).toBe(0);
        expect(stalled, 'the killed worker held a chunk, which BullMQ redelivered after the stall check').toBeGreaterThan(0);

        // Exactly one result per submission: reported once, stored once, exported once in input order.
        const input = await readCsv(SAMPLE_BATCH);
        const total = input.rows.length;
        const reported = coordinator.lines.filter((l) => l.type === 'submission').map((l) => l.submissionId as string);
        expect(reported).toHaveLength(total);
        expect(new Set(reported).size).toBe(total);
        expect(query(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions')).toEqual([{ n: total, d: total }]);
        expect((await exportedRows(out)).rows.map((r) => r.id)).toEqual(input.rows.map((r) => r[0]));

        // The verdicts of a single-process run.
        expect(verdicts(db)).toEqual(verdicts(refDb));
        // The fleet run is audited with the same words as a console or plain CLI run.
        const audited = query<{ actor: string; action: string }>(db, "SELECT actor, action FROM audit_log WHERE action LIKE '%batch%' ORDER BY id");
        expect(audited).toEqual([
          { actor: 'operator', action: 'start batch' },
          { actor: 'engine', action: 'batch finished' },
        ]);

        // No request is for a submission that had finished by then (in-flight ones of the killed chunk may be called again).
        const finishedAt = new Map(
          query<{ submission_id: string; finished_at: number }>(db, 'SELECT submission_id, finished_at FROM submissions').map((r) => [
            r.submission_id,
            r.finished_at,
          ]),
        );
        const log = await sim.log();
        // No overshoot: the simulator refused nothing for quota, and no model saw more accepted requests in any
        // 60 s than its limit, though N workers shared the key (and one died holding calls).
        expect(rateLimited(log).map((e) => `${e.model} ${e.dimension}`)).toEqual([]);
        const { gemini, groq } = PRESETS.tier1;
        const limits = new Map<string, number>([
          ...Object.entries(gemini).map(([m, l]) => [`gemini/${m}`, l.rpm] as const),
          ...Object.entries(groq).map(([m, l]) => [`groq/${m}`, l.rpm] as const),
        ]);
        for (const [model, peak] of peakPerWindow(log, 60_000)) expect(peak, model).toBeLessThanOrEqual(limits.get(model) ?? 0);

        const matchOf = await requestMatcher(SAMPLE_BATCH);
        const calls = modelCalls(log);
        expect(calls.length).toBeGreaterThan(0);
        for (const e of calls) {
          const ids = matchOf(e);
          expect(ids.length, `request ${e.seq} maps to no submission`).toBeGreaterThan(0);
          expect(
            ids.every((id) => (finishedAt.get(id) ?? Infinity) < e.at),
            `request ${e.seq} re-calls a finished submission (${ids.join('/')})`,
          ).toBe(false);
        }
      } finally {
        for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
        await Promise.all(workers.map((w) => w.exited));
        await stalls.close();
        await sim.close();
      }
    },
    240_000,
  );
});
