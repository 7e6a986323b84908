// Redis down in the middle of a fleet run (docs/scale-out.md "Redis down"): three headless `validate` processes on
// shards of one batch share one simulator key through REDIS_URL, a real redis-server the test SIGKILLs once the
// shared minute is full and starts again (empty: no persistence) once the instances have spent their local shares.
// Every instance then holds one full window, runs locally on ⌊limit ÷ 3⌋, says so on stderr, and replays its local
// charges into the fresh Redis before admitting through it again. The simulator's log is the judge: no 429 and no
// 60 s with more accepted requests than the limit (without the hold, the local share would land inside the full
// minute; without the replay, the fresh Redis would admit a second full minute at once), every row stored once, and
// every accepted request one call record. Under `npm run soak` only: the hold alone is a real minute.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { readCsv } from '../../electron/batch/ingest/ingest-csv';
import { DEFAULT_CONFIG } from '../../shared/config';
import { cliEnv, startCli, type CliRun } from '../helpers/cli';
import { peakPerWindow, rateLimited } from '../helpers/quota-proof';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query, sampleSubset } from '../integration/pipeline/support';
import { until } from '../integration/distributed/support';
import { recordFigures } from './figures';
import { BIG, soakTimeout } from './soak-scale';

const INSTANCES = 3;
/** Our per-minute limit on the one key (each instance's local share is 6): the sample's 30 rows need four minutes of it. */
const RPM = 20;
/**
 * The simulator's: a margin over ours for requests admitted at a window's edge whose bodies arrive late (a known
 * limit of the shared store, docs/scale-out.md "What the proof shows"). A missing hold or replay overshoots it by far:
 * a full minute plus the local shares (20 + 18) in one window.
 */
const SERVER_RPM = 24;
const ROWS = 30;
const KEY = 'sim-redis-down';
const GEMINI_MODELS = [...new Set([DEFAULT_CONFIG.providers.gemini.textModel, DEFAULT_CONFIG.providers.gemini.visionModel])];

let dir: string;
let redis: RedisServer;
let sim: Simulator;

describeWithRedis('Redis down mid-run: a window of nothing, then ⌊limit ÷ live instances⌋, then the replay', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ev-redis-down-'));
    redis = await startRedisServer();
    // Latencies sped up 20×; the quota windows run on real time, as the server's do.
    sim = await startSimulator({ preset: 'tier1', timeScale: 0.05, seed: 11, logLimit: 100_000 });
    for (const model of GEMINI_MODELS) sim.control.setQuota({ provider: 'gemini', model, key: KEY, limits: { rpm: SERVER_RPM } });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!BIG)(
    `${INSTANCES} instances, one key at ${RPM}/min (the server's ${SERVER_RPM}): no overshoot, nothing lost or duplicated, the loss said loudly`,
    async () => {
      const ids = (await readCsv(SAMPLE_BATCH)).rows.slice(0, ROWS).map((r) => r[0] as string);
      const shards = Array.from({ length: INSTANCES }, (_, i) => ids.filter((_, j) => j % INSTANCES === i));
      const dbs = shards.map((_, i) => path.join(dir, `${i}.db`));
      const runs: CliRun[] = shards.map((shard, i) => {
        const env = cliEnv(sim.baseUrl, path.join(dir, `home-${i}`), {
          REDIS_URL: redis.url,
          STAGGER_ENABLED: 'false',
          GEMINI_API_KEY: KEY,
          GROQ_API_KEY: '', // one key on one provider: every call draws on the quota under test
          PROVIDER_ORDER: 'gemini',
          GEMINI_RPM_LIMIT: String(RPM),
          RATE_LIMIT_SAFETY_FACTOR: '1',
        });
        const batch = sampleSubset(path.join(dir, `shard-${i}.csv`), shard);
        return startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', dbs[i] as string, '--json'], env);
      });
      const accepted = () => modelCalls(sim.control.log()).filter((e) => e.status === 200).length;
      const wait = soakTimeout(180_000);
      try {
        // The shared minute is full (the fleet waits on Redis) and every instance has called through it (under load one can
        // still be starting, and one that never heard Redis holds the whole outage: the store test covers it): kill it.
        const called = (r: CliRun) =>
          r.lines.some((l) => l.type === 'progress' && (l.providers as Array<{ rpm: number; inFlight: number }>).some((p) => p.rpm + p.inFlight > 0));
        expect(await until(() => accepted() >= RPM && runs.every(called), wait), 'the fleet filled the shared minute').toBe(true);
        await redis.kill();
        const [atKill, killedAt] = [accepted(), Date.now()];
        const aliveAtKill = runs.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
        // A window later each instance spends its local share; once all three have (the local minute is full), Redis returns empty.
        const localShares = INSTANCES * Math.floor(RPM / INSTANCES);
        expect(await until(() => accepted() >= atKill + localShares, wait), 'the instances ran on their local shares').toBe(true);
        await redis.restart();
        const [atRestart, restartedAt] = [accepted(), Date.now()];

        const ends = await Promise.all(runs.map((r) => r.exited));
        for (const end of ends) expect(end.code, end.stderr).toBe(0);
        const log = sim.control.log();
        const acceptedAt = modelCalls(log)
          .filter((e) => e.status === 200)
          .map((e) => e.at);
        const total = acceptedAt.length;
        const peaks = GEMINI_MODELS.map((m) => peakPerWindow(log, 60_000).get(`gemini/${m}`) ?? 0);
        const overshoot = Math.max(0, ...peaks.map((p) => p - SERVER_RPM)) + rateLimited(log).length;
        const stored = dbs.map((db) => query<{ id: string }>(db, 'SELECT submission_id AS id FROM submissions').map((r) => r.id));
        const recorded = dbs.reduce((sum, db) => sum + (query<{ c: number }>(db, 'SELECT count(*) AS c FROM calls')[0]?.c ?? 0), 0);
        const lost = ids.filter((id) => !stored.flat().includes(id)).length;
        // Every request the simulator saw (any status) is one call record: none lost on the way, none made twice.
        const duplicated = stored.flat().length - new Set(stored.flat()).size + Math.abs(modelCalls(log).length - recorded);
        const shareOf = (e: { stderr: string }) => /running locally on 1\/(\d+)/.exec(e.stderr)?.[1] ?? '-';
        recordFigures({
          scenario: 'redis-down (3 instances)',
          submissions: ROWS,
          faults: { 'Redis down': 1 },
          outcomes: { lost, duplicated, 'requests over a server quota': overshoot },
        });
        console.log(
          `redis-down: ${atKill} accepted before the kill, ${atRestart - atKill} on local shares, ${total - atRestart} after the replay; ` +
            `busiest 60 s per model ${peaks.join(', ')} (ours ${RPM}, the server's ${SERVER_RPM}); restarted ${restartedAt - killedAt} ms ` +
            `after the kill; each instance's local share 1/${ends.map(shareOf).join(', 1/')}; ` +
            `accepted at (s from the kill) ${acceptedAt.map((t) => ((t - killedAt) / 1000).toFixed(1)).join(' ')}`,
        );

        expect(
          rateLimited(log).map((e) => `${e.model} ${e.dimension}`),
          '429s: an overshoot',
        ).toEqual([]);
        for (const p of peaks) expect(p, 'most accepted requests in any 60 s').toBeLessThanOrEqual(SERVER_RPM);
        expect(lost).toBe(0);
        expect(duplicated).toBe(0);
        // Loud: each instance still running at the kill said it admits nothing for a window, then what share it runs on
        // (the live count Redis last reported: all three, or two if one had finished and its heartbeat lapsed).
        expect(aliveAtKill.length, 'instances still running at the kill').toBeGreaterThanOrEqual(2);
        for (const run of aliveAtKill) {
          const { stderr } = await run.exited;
          expect(stderr).toMatch(/shared quota unreachable .*admitting nothing until/);
          const share = Number(/shared quota unreachable .*running locally on 1\/(\d+) of the quota/.exec(stderr)?.[1]);
          expect(share, stderr).toBeGreaterThanOrEqual(aliveAtKill.length);
          expect(share).toBeLessThanOrEqual(INSTANCES);
        }
        // Not vacuous: demand outran one minute on each side of the outage, so both the hold and the replay were needed.
        expect(atKill).toBeGreaterThanOrEqual(RPM);
        expect(total - atRestart).toBeGreaterThan(0);
      } finally {
        for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
        await Promise.all(runs.map((r) => r.exited));
      }
    },
    soakTimeout(420_000),
  );
});
