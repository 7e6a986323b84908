// The overshoot proof (docs/scale-out.md "What the proof shows"): N headless `validate` processes, each on a shard of one
// batch, share one simulator key and one Redis, against `event-validator simulate` (its own process) with a small
// per-minute quota. One instance's clock runs 5 s fast and another's 5 s slow, and one instance is SIGKILLed while its
// calls are in flight. From the simulator's log: no model above its limit in any 60 s or in the day, no 429, the
// first minute's quota used to at least 90 %, and every accepted request is a call record of a committed result
// (save for what the killed instance had in flight). Under `npm run soak` only (N = 2, 4, 8), and not in `npm test`
// yet: on a loaded machine it finds a few RPM 429s (docs/scale-out.md "What the proof shows" says what is known).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCsv } from '../../electron/batch/ingest/ingest-csv';
import { cliEnv, startCli, type CliRun } from '../helpers/cli';
import { peakPerWindow, rateLimited } from '../helpers/quota-proof';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query, sampleSubset } from '../integration/pipeline/support';
import { startSimulateProcess, until, type SimulatorProcess } from '../integration/distributed/support';

/** Requests per minute of the one shared key on the one model every call uses: below the batch's demand, so it binds. */
const RPM = 25;
const RPD = 10_000;
const MODEL = 'gemini-2.5-pro';

let dir: string;
let redis: RedisServer;

const soak = process.env.SOAK_SCALE === 'big';

describeWithRedis('N instances on one key through Redis: no overshoot', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ev-proof-'));
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!soak).each([2, 4, 8])(
    'N = %i shards of one batch, one clock +5 s, one −5 s, one SIGKILLed mid-call: within every limit, ≥ 90 % used',
    async (n) => {
      const sim: SimulatorProcess = await startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.05', '--seed', String(n)]);
      const key = `sim-proof-${n}`;
      await sim.quota({ provider: 'gemini', model: MODEL, limits: { rpm: RPM, rpd: RPD } });
      const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string);
      const shards = Array.from({ length: n }, (_, i) => ids.filter((_, j) => j % n === i));
      const skews = ['5000', '-5000'];
      const runs: CliRun[] = shards.map((shard, i) => {
        const batch = sampleSubset(path.join(dir, `${n}-shard-${i}.csv`), shard);
        const env = cliEnv(sim.baseUrl, path.join(dir, `${n}-home-${i}`), {
          REDIS_URL: redis.url,
          STAGGER_ENABLED: 'false',
          GEMINI_API_KEY: key,
          GROQ_API_KEY: '', // one key, one model: every call draws on the quota under proof
          GEMINI_RPM_LIMIT: String(RPM),
          GEMINI_RPD_LIMIT: String(RPD),
          RATE_LIMIT_SAFETY_FACTOR: '1',
          ...(skews[i] ? { EV_TEST_CLOCK_SKEW_MS: skews[i] } : {}),
        });
        return startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, `${n}-${i}.db`), '--json'], env);
      });
      const victim = runs[n - 1] as CliRun;
      try {
        // The victim is killed once the fleet is calling, while its own calls are in flight (in full mode a submission
        // asks its questions at once; a shard's first submissions start together).
        expect(await until(async () => modelCalls(await sim.log()).length >= 5, 180_000), 'the fleet is calling').toBe(true);
        victim.child.kill('SIGKILL');
        const ends = await Promise.all(runs.map((r) => r.exited));
        for (const [i, end] of ends.entries()) if (runs[i] !== victim) expect(end.code, end.stderr).toBe(0);

        const log = await sim.log();
        expect(
          rateLimited(log).map((e) => `${e.model} ${e.dimension}`),
          '429s: an overshoot of some dimension',
        ).toEqual([]);
        const minute = peakPerWindow(log, 60_000).get(`gemini/${MODEL}`) ?? 0;
        const day = peakPerWindow(log, 24 * 3600_000).get(`gemini/${MODEL}`) ?? 0;
        expect(minute, 'most accepted requests in any 60 s').toBeLessThanOrEqual(RPM);
        expect(day).toBeLessThanOrEqual(RPD);
        // Demand exceeds one minute's quota, so zero 429s cannot come from idling: the busiest minute is (nearly) full.
        expect(day).toBeGreaterThan(RPM);
        expect(minute).toBeGreaterThanOrEqual(Math.ceil(0.9 * RPM));

        // Every accepted request is one call record of a committed result, but for the killed instance's unfinished rows.
        const dbs = runs.map((_, i) => path.join(dir, `${n}-${i}.db`));
        const recorded = dbs.reduce((sum, db) => sum + (query<{ c: number }>(db, 'SELECT count(*) AS c FROM calls')[0]?.c ?? 0), 0);
        const victimDone = query<{ c: number }>(dbs[n - 1] as string, 'SELECT count(*) AS c FROM submissions')[0]?.c ?? 0;
        const unfinished = (shards[n - 1]?.length ?? 0) - victimDone;
        const seen = modelCalls(log).length;
        expect(seen - recorded, 'requests no committed result records').toBeGreaterThanOrEqual(0);
        expect(seen - recorded, 'at most the killed instance’s unfinished rows, three questions each').toBeLessThanOrEqual(3 * unfinished);
      } finally {
        for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
        await Promise.all(runs.map((r) => r.exited));
        await sim.close();
      }
    },
    420_000,
  );
});
