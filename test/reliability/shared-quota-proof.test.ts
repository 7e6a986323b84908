// The overshoot proof (docs/scale-out.md "What the proof shows"): N headless `validate` processes, each on a shard of one
// batch, share one simulator key and one Redis, against `event-validator simulate` (its own process) with a small
// per-minute quota. One instance's clock runs 5 s fast and another's 5 s slow. From the simulator's log: no model above
// its limit in any 60 s (requests, and the tokens the simulator counted) or in the day, no 429, the busiest minute's
// quota used to at least 90 %, and every accepted request is a call record of a committed result.
// In `npm test`: N = 2 on a few submissions (about 70 s). Under `npm run soak` (N = 2, 4, 8), on the whole batch, with
// one instance SIGKILLed while its calls are in flight. A Redis restart in these runs is not done yet (the restart
// itself: test/integration/scale-out/redis-restart.test.ts).
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
const TPM = 1_000_000;
/** The CI-size run: a per-minute quota its few submissions outrun by less than a minute's worth. */
const CI_RPM = 10;
const CI_SUBMISSIONS = 5;
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

  /** One proof run: N shards; `faults` adds the SIGKILL of one instance (the soak runs). */
  async function proof(n: number, rpm: number, ids: string[], faults: boolean): Promise<void> {
    const sim: SimulatorProcess = await startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.05', '--seed', String(n)]);
    const key = `sim-proof-${n}-${faults ? 'soak' : 'ci'}`;
    await sim.quota({ provider: 'gemini', model: MODEL, limits: { rpm, rpd: RPD, tpm: TPM } });
    const shards = Array.from({ length: n }, (_, i) => ids.filter((_, j) => j % n === i));
    const skews = ['5000', '-5000'];
    const tag = `${n}-${faults ? 'soak' : 'ci'}`;
    const runs: CliRun[] = shards.map((shard, i) => {
      const batch = sampleSubset(path.join(dir, `${tag}-shard-${i}.csv`), shard);
      const env = cliEnv(sim.baseUrl, path.join(dir, `${tag}-home-${i}`), {
        REDIS_URL: redis.url,
        STAGGER_ENABLED: 'false',
        GEMINI_API_KEY: key,
        GROQ_API_KEY: '', // one key, one model: every call draws on the quota under proof
        GEMINI_RPM_LIMIT: String(rpm),
        GEMINI_TPM_LIMIT: String(TPM),
        GEMINI_RPD_LIMIT: String(RPD),
        RATE_LIMIT_SAFETY_FACTOR: '1',
        ...(skews[i] ? { EV_TEST_CLOCK_SKEW_MS: skews[i] } : {}),
      });
      return startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, `${tag}-${i}.db`), '--json'], env);
    });
    const victim = faults ? (runs[n - 1] as CliRun) : undefined;
    try {
      if (victim) {
        // The victim is killed once the fleet is calling, while its own calls are in flight (in full mode a submission
        // asks its questions at once; a shard's first submissions start together).
        expect(await until(async () => modelCalls(await sim.log()).length >= 5, 180_000), 'the fleet is calling').toBe(true);
        victim.child.kill('SIGKILL');
      }
      const ends = await Promise.all(runs.map((r) => r.exited));
      for (const [i, end] of ends.entries()) if (runs[i] !== victim) expect(end.code, end.stderr).toBe(0);

      const log = await sim.log();
      expect(
        rateLimited(log).map((e) => `${e.model} ${e.dimension}`),
        '429s: an overshoot of some dimension',
      ).toEqual([]);
      const model = `gemini/${MODEL}`;
      const minute = peakPerWindow(log, 60_000).get(model) ?? 0;
      const day = peakPerWindow(log, 24 * 3600_000).get(model) ?? 0;
      expect(minute, 'most accepted requests in any 60 s').toBeLessThanOrEqual(rpm);
      expect(peakPerWindow(log, 60_000, true).get(model) ?? 0, 'most tokens the simulator counted in any 60 s').toBeLessThanOrEqual(TPM);
      expect(peakPerWindow(log, 60_000, true).get(model) ?? 0, 'the simulator counted tokens').toBeGreaterThan(0);
      expect(day).toBeLessThanOrEqual(RPD);
      // Demand exceeds one minute's quota, so zero 429s cannot come from idling: the busiest minute is (nearly) full.
      expect(day).toBeGreaterThan(rpm);
      expect(minute).toBeGreaterThanOrEqual(Math.ceil(0.9 * rpm));
      // Every accepted request is one call record of a committed result, but for the killed instance's unfinished rows.
      const dbs = runs.map((_, i) => path.join(dir, `${tag}-${i}.db`));
      const recorded = dbs.reduce((sum, db) => sum + (query<{ c: number }>(db, 'SELECT count(*) AS c FROM calls')[0]?.c ?? 0), 0);
      const victimDone = victim ? (query<{ c: number }>(dbs[n - 1] as string, 'SELECT count(*) AS c FROM submissions')[0]?.c ?? 0) : 0;
      const unfinished = victim ? (shards[n - 1]?.length ?? 0) - victimDone : 0;
      const seen = modelCalls(log).length;
      expect(seen - recorded, 'requests no committed result records').toBeGreaterThanOrEqual(0);
      expect(seen - recorded, 'at most the killed instance’s unfinished rows, three questions each').toBeLessThanOrEqual(3 * unfinished);
    } finally {
      for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
      await Promise.all(runs.map((r) => r.exited));
      await sim.close();
    }
  }

  it('CI size: N = 2 shards of a few submissions, one clock +5 s, one −5 s: within every limit, ≥ 90 % used', async () => {
    const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string).slice(0, CI_SUBMISSIONS);
    await proof(2, CI_RPM, ids, false);
  }, 240_000);

  it.skipIf(!soak).each([2, 4, 8])(
    'N = %i shards of one batch, clocks ±5 s, one SIGKILLed mid-call: within every limit, ≥ 90 % used',
    async (n) => {
      const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string);
      await proof(n, RPM, ids, true);
    },
    600_000,
  );
});
