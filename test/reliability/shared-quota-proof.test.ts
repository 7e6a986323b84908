// The overshoot proof (docs/scale-out.md "What the proof shows"): N headless `validate` processes, each on a shard of one
// batch, share one simulator key and one Redis, against `event-validator simulate` (its own process) with a small
// per-minute quota. One instance's clock runs 5 s fast and another's 5 s slow. From the simulator's log: no model above
// its limit in any 60 s (requests, and the tokens the simulator counted) or in the day, no 429, the busiest minute's
// quota used to at least 90 %, and every accepted request is a call record of a committed result.
// In `npm test`: N = 2 on a few submissions (about 70 s: the second minute must start for the window to bind).
// Under `npm run soak`, on the whole batch:
// - N = 2, 4, 8 shards, in the same run: one instance SIGKILLed while its calls are in flight; once a window's worth
//   was accepted, one instance SIGSTOPped past its concurrency-slot leases and SIGCONTed;
// - N = 2 shards, redis-server SIGKILLed once a window's worth was accepted and restarted empty on the same port while
//   calls admitted through it are still waiting or in flight (each instance holds until a window after they arrive);
// - N = 4 shards, the simulator holding requests from the start until each instance has one in flight, then one burst
//   of bare 429s answering all of them: the fleet's rate in Redis is cut exactly once;
// - N = 2, 4 BullMQ workers (`event-validator worker`) on one flow of a `validate --distributed` coordinator, the same
//   saturated quota, one worker SIGKILLed while it holds a chunk: exactly one result per submission as well.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCsv } from '../../electron/batch/ingest/ingest-csv';
import { providerKeyPrefix } from '../../electron/engine/shared/redis-quota-store';
import { DEFAULT_CONFIG } from '../../shared/config';
import { cliEnv, startCli, type CliRun } from '../helpers/cli';
import { peakPerWindow, rateLimited, refusalTimeline } from '../helpers/quota-proof';
import { requestMatcher } from '../helpers/request-matcher';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { soakTimeout } from './soak-scale';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query, sampleSubset } from '../integration/pipeline/support';
import { killBusyWorker, registry, startSimulateProcess, startWorker, until, type SimulatorProcess } from '../integration/distributed/support';
import type { LogEntry } from '../../electron/providers/simulator/types';

/** Requests per minute of the one shared key on the one model every call uses: below the batch's demand, so it binds. */
const RPM = 25;
const RPD = 10_000;
const TPM = 1_000_000;
/** The CI-size run: a per-minute quota its few submissions outrun by less than a minute's worth. */
const CI_RPM = 10;
const CI_SUBMISSIONS = 5;
const MODEL = 'gemini-2.5-pro';
const WINDOW = 60_000;
/** The SIGKILLed and the SIGSTOPped instances' call timeout (s): their concurrency-slot leases last twice that. */
const STOPPED_TIMEOUT_S = 15;
/** How long it stays stopped: past its leases, so its slots are another's on SIGCONT. */
const STOP_MS = 2 * STOPPED_TIMEOUT_S * 1000 + 5_000;
/**
 * The SIGKILLed instance's rows in the soak runs: enough for calls in flight at the kill. The others share the rest, so
 * at N = 2 the one left still has more than a minute's quota to ask for after its SIGCONT (the 90 % check needs one
 * full minute, and the kill and the stop each take one away).
 */
const VICTIM_ROWS = 5;
/** A soak-size proof's guard against a hang: the whole batch at RPM takes about 5 minutes; more under load. */
const PROOF_TIMEOUT_MS = soakTimeout(900_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Accepted model calls in the simulator's log, by when the simulator received them. */
const received = (log: LogEntry[]) => modelCalls(log).filter((e) => e.status === 200);

let dir: string;
let redis: RedisServer;

const AIMD_DECREASE = DEFAULT_CONFIG.providers.gemini.aimd.decrease;
/**
 * The burst run's hold, from the start until every instance has a call held: held calls keep their charges until
 * answered (docs/engine.md §1, "Arrival"), so it can only ever hold the first window's admissions. Shorter than the
 * call timeout.
 */
const BURST_HOLD_MS = 100_000;
/** A submission asks its three questions at once (full mode). */
const CALLS_PER_SUBMISSION = 3;
interface FleetRateRow {
  gen: number;
  factor: number;
  decreasedAt: string | null;
}

/**
 * The fleet's learned rate as Redis holds it (docs/scale-out.md "Shared rate"), read every 50 ms from now: `before`,
 * then each change until `stop`. Changes come seconds apart, so a reading that skips a generation means one was missed.
 */
async function watchFleetRate(hash: string): Promise<{ before: FleetRateRow; stop(): FleetRateRow[] }> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const read = async (): Promise<FleetRateRow> => {
    const [gen, factor, decreasedAt] = await client.hmget(hash, 'gen', 'factor', 'decreasedAt');
    return { gen: Number(gen ?? 0), factor: Number(factor ?? 1), decreasedAt: decreasedAt ?? null };
  };
  const before = await read();
  const changes: FleetRateRow[] = [];
  let last = before;
  const timer = setInterval(() => {
    read()
      .then((r) => {
        if (r.gen !== last.gen) changes.push((last = r));
      })
      .catch(() => undefined); // a reading lost to a slow reply; the generation check shows a change it hid
  }, 50);
  return {
    before,
    // Safe to call twice: the finally of a failed run stops it too.
    stop: () => {
      clearInterval(timer);
      client.disconnect();
      return changes;
    },
  };
}

const soak = process.env.SOAK_SCALE === 'big';

/** The simulator's log shows no overshoot of the one model's quota, and the busiest minute (nearly) full. */
function withinQuota(log: LogEntry[], rpm: number, who?: (e: LogEntry) => string): void {
  if (rateLimited(log).length > 0) console.log(refusalTimeline(log, WINDOW, who));
  expect(
    rateLimited(log).map((e) => `${e.model} ${e.dimension}`),
    '429s: an overshoot of some dimension',
  ).toEqual([]);
  const model = `gemini/${MODEL}`;
  const minute = peakPerWindow(log, WINDOW).get(model) ?? 0;
  const day = peakPerWindow(log, 24 * 3600_000).get(model) ?? 0;
  expect(minute, 'most accepted requests in any 60 s').toBeLessThanOrEqual(rpm);
  expect(peakPerWindow(log, WINDOW, true).get(model) ?? 0, 'most tokens the simulator counted in any 60 s').toBeLessThanOrEqual(TPM);
  expect(peakPerWindow(log, WINDOW, true).get(model) ?? 0, 'the simulator counted tokens').toBeGreaterThan(0);
  expect(day).toBeLessThanOrEqual(RPD);
  // Demand exceeds one minute's quota, so zero 429s cannot come from idling: the busiest minute is (nearly) full.
  expect(day).toBeGreaterThan(rpm);
  expect(minute).toBeGreaterThanOrEqual(Math.ceil(0.9 * rpm));
}

/** The env of one instance on the proof's key, every call on the one model under proof. */
function proofEnv(sim: SimulatorProcess, home: string, key: string, rpm: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cliEnv(sim.baseUrl, home, {
    REDIS_URL: redis.url,
    STAGGER_ENABLED: 'false',
    GEMINI_API_KEY: key,
    GROQ_API_KEY: '', // one key, one model: every call draws on the quota under proof
    GEMINI_RPM_LIMIT: String(rpm),
    GEMINI_TPM_LIMIT: String(TPM),
    GEMINI_RPD_LIMIT: String(RPD),
    RATE_LIMIT_SAFETY_FACTOR: '1',
    ...extra,
  });
}

describeWithRedis('N instances on one key through Redis: no overshoot', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ev-proof-'));
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One proof run: N shards. `faults` adds the SIGKILL of one instance and the SIGSTOP of another (the soak runs),
   * `restart` redis-server's, `burst` one burst of 429s on every instance's call in flight.
   */
  async function proof(n: number, rpm: number, ids: string[], fault: { faults?: boolean; restart?: boolean; burst?: boolean } = {}): Promise<void> {
    const { faults = false, restart = false, burst = false } = fault;
    const sim: SimulatorProcess = await startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.05', '--seed', String(n)]);
    const tag = `${n}-${faults ? 'soak' : 'ci'}${restart ? '-restart' : ''}${burst ? '-burst' : ''}`;
    const key = `sim-proof-${tag}`;
    await sim.quota({ provider: 'gemini', model: MODEL, limits: { rpm, rpd: RPD, tpm: TPM } });
    const deal = (rows: string[], k: number) => Array.from({ length: k }, (_, i) => rows.filter((_, j) => j % k === i));
    const shards = faults ? [...deal(ids.slice(VICTIM_ROWS), n - 1), ids.slice(0, VICTIM_ROWS)] : deal(ids, n);
    const skews = ['5000', '-5000'];
    // The burst run holds the model's requests from the start: every instance's first calls are held until each
    // instance has one, so none can finish its shard first (docs/providers.md §6 "Holds and bursts").
    const cut = burst ? await watchFleetRate(`${providerKeyPrefix('gemini', key)}:rate`) : undefined;
    if (burst) await sim.hold({ provider: 'gemini', model: MODEL, durationMs: BURST_HOLD_MS });
    const runs: CliRun[] = shards.map((shard, i) => {
      const batch = sampleSubset(path.join(dir, `${tag}-shard-${i}.csv`), shard);
      const env = proofEnv(sim, path.join(dir, `${tag}-home-${i}`), key, rpm, {
        ...(skews[i] ? { EV_TEST_CLOCK_SKEW_MS: skews[i] } : {}),
        // The instances the soak SIGSTOPs and SIGKILLs: a short call timeout, so their slot leases run out while one is
        // stopped, and the dead one's slots come back in seconds rather than minutes (twice the default timeout).
        ...(faults && (i === 0 || i === n - 1) ? { GEMINI_TIMEOUT: String(STOPPED_TIMEOUT_S) } : {}),
        // The burst run: slots for every call the first window admits, and few enough submissions per instance that
        // the first window admits some of every instance's calls (auto sizes slots to the fast simulator, 1, and
        // puts a whole shard in flight).
        ...(burst ? { GEMINI_MAX_CONCURRENT: String(rpm), DEFAULT_MAX_WORKERS: String(Math.floor(rpm / (CALLS_PER_SUBMISSION * n))) } : {}),
      });
      return startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', path.join(dir, `${tag}-${i}.db`), '--json'], env);
    });
    const victim = faults ? (runs[n - 1] as CliRun) : undefined;
    const stopped = faults ? (runs[0] as CliRun) : undefined;
    try {
      if (victim && stopped) {
        // The victim is killed once the fleet is calling, while its own calls are in flight (in full mode a submission
        // asks its questions at once; a shard's first submissions start together).
        expect(await until(async () => modelCalls(await sim.log()).length >= 5, 180_000), 'the fleet is calling').toBe(true);
        victim.child.kill('SIGKILL');
        // Once a window's worth was accepted, one instance is stopped past its slot leases with its calls in flight,
        // then resumed: its slots are the fleet's again, so a call it had not sent yet must not go out on them
        // (docs/scale-out.md "Concurrency leases").
        expect(await until(async () => received(await sim.log()).length >= rpm, 300_000), 'a window accepted').toBe(true);
        stopped.child.kill('SIGSTOP');
        await sleep(STOP_MS);
        stopped.child.kill('SIGCONT');
      }
      if (burst) await burstOnEveryInstance(sim, shards, runs);
      if (restart) {
        // Mid-run, with calls admitted through Redis still waiting for a slot or in flight: empty again on the same port.
        expect(await until(async () => received(await sim.log()).length >= rpm, 300_000), 'a window accepted').toBe(true);
        await redis.kill();
        await sleep(1_000);
        await redis.restart();
        console.log(`N = ${n}: redis-server restarted after ${received(await sim.log()).length} accepted requests`);
      }
      const ends = await Promise.all(runs.map((r) => r.exited));
      for (const [i, end] of ends.entries()) if (runs[i] !== victim) expect(end.code, end.stderr).toBe(0);

      const log = await sim.log();
      if (restart) console.log(`N = ${n}: ${received(log).length} accepted, busiest 60 s ${peakPerWindow(log, WINDOW).get(`gemini/${MODEL}`)}`);
      const matcher = await requestMatcher(SAMPLE_BATCH);
      const who = (e: LogEntry) => {
        const i = shards.findIndex((s) => s.includes(matcher(e)[0] ?? ''));
        return `instance ${i}${runs[i] === victim ? ' (killed)' : runs[i] === stopped ? ' (stopped)' : ''}`;
      };
      withinQuota(log, rpm, who);
      // Every accepted request is one call record of a committed result, but for the killed instance's unfinished rows.
      const dbs = runs.map((_, i) => path.join(dir, `${tag}-${i}.db`));
      const recorded = dbs.reduce((sum, db) => sum + (query<{ c: number }>(db, 'SELECT count(*) AS c FROM calls')[0]?.c ?? 0), 0);
      const victimDone = victim ? (query<{ c: number }>(dbs[n - 1] as string, 'SELECT count(*) AS c FROM submissions')[0]?.c ?? 0) : 0;
      const unfinished = victim ? (shards[n - 1]?.length ?? 0) - victimDone : 0;
      const seen = modelCalls(log).length;
      if (stopped) {
        // The figure for the report: attempts the stopped instance was admitted for and never sent (a lost slot among them).
        const unsent = "SELECT count(*) AS c FROM call_steps WHERE step = 'attempt' AND admitted_ms IS NOT NULL AND sent_ms IS NULL";
        console.log(`N = ${n}: ${seen} requests; the stopped instance's unsent attempts: ${query<{ c: number }>(dbs[0] as string, unsent)[0]?.c}`);
      }
      if (cut) {
        const changes = cut.stop();
        console.log(`N = ${n}: the fleet's rate in Redis after the burst: ${changes.map((c) => `gen ${c.gen} ×${c.factor}`).join(', ')}`);
        // Every change of the fleet's rate was seen (one generation at a time), and exactly one was a decrease: by the
        // configured factor, from the full rate.
        expect(
          changes.map((c, i) => c.gen - (i === 0 ? cut.before.gen : (changes[i - 1] as FleetRateRow).gen)),
          'generations, one step at a time (two changes within one reading: more than one instance changed the rate)',
        ).toEqual(changes.map(() => 1));
        const decreases = changes.filter((c, i) => c.decreasedAt !== (i === 0 ? cut.before : (changes[i - 1] as FleetRateRow)).decreasedAt);
        expect(decreases.map((c) => c.factor), 'decreases of the fleet rate after the burst').toEqual([AIMD_DECREASE]);
        expect(changes[0]?.factor, 'the first change is the cut').toBe(AIMD_DECREASE);
      }
      expect(seen - recorded, 'requests no committed result records').toBeGreaterThanOrEqual(0);
      expect(seen - recorded, 'at most the killed instance’s unfinished rows, three questions each').toBeLessThanOrEqual(3 * unfinished);
    } finally {
      cut?.stop();
      for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
      await Promise.all(runs.map((r) => r.exited));
      await sim.close();
    }
  }

  /**
   * With the model's requests held since the start: once a request of every instance is held at once, all of them are
   * answered with one bare 429 (docs/providers.md §6).
   */
  async function burstOnEveryInstance(sim: SimulatorProcess, shards: string[][], runs: CliRun[]): Promise<void> {
    const matcher = await requestMatcher(SAMPLE_BATCH);
    // The shard a request is for, when its prompt names rows of one shard only (a duplicate's may name two).
    const shardOf = (e: LogEntry) => {
      const found = new Set(matcher(e).map((id) => shards.findIndex((s) => s.includes(id))));
      return found.size === 1 ? [...found][0] : undefined;
    };
    let holding: LogEntry[] = [];
    const everyInstance = async () => new Set((holding = await sim.held()).map(shardOf).filter((i) => i !== undefined)).size === shards.length;
    if (!(await until(everyInstance, BURST_HOLD_MS))) {
      // What each instance was doing: its accepted requests so far and its last event.
      const log = received(await sim.log());
      const state = runs.map((r, i) => {
        const accepted = log.filter((e) => shardOf(e) === i).length;
        return `instance ${i}: exit ${r.child.exitCode ?? r.child.signalCode}, ${accepted} accepted, last ${JSON.stringify(r.lines.at(-1))}`;
      });
      expect.fail(`no moment with a request of every instance held (held, by instance: ${holding.map(shardOf).join(' ')})\n${state.join('\n')}`);
    }
    const answered = await sim.burst({ provider: 'gemini', model: MODEL, fault: 'gemini-quota-bare' });
    console.log(`burst: ${answered} requests in flight answered 429 at once`);
    expect(answered).toBeGreaterThanOrEqual(shards.length);
  }

  it('CI size: N = 2 shards of a few submissions, one clock +5 s, one −5 s: within every limit, ≥ 90 % used', async () => {
    const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string).slice(0, CI_SUBMISSIONS);
    await proof(2, CI_RPM, ids);
  }, 240_000);

  it.skipIf(!soak).each([2, 4, 8])(
    'N = %i shards of one batch, clocks ±5 s, one SIGKILLed mid-call, one SIGSTOPped past its leases: within every limit, ≥ 90 % used',
    async (n) => {
      const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string);
      await proof(n, RPM, ids, { faults: true });
    },
    PROOF_TIMEOUT_MS,
  );
  it.skipIf(!soak)(
    'N = 2 shards of one batch, redis-server SIGKILLed and restarted empty mid-run: within every limit, ≥ 90 % used',
    async () => {
      const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string);
      await proof(2, RPM, ids, { restart: true });
    },
    PROOF_TIMEOUT_MS,
  );

  it.skipIf(!soak)(
    'N = 4 shards of one batch, one burst of 429s on a call in flight of every instance: the fleet rate cut exactly once, within every limit',
    async () => {
      const ids = (await readCsv(SAMPLE_BATCH)).rows.map((r) => r[0] as string);
      await proof(4, RPM, ids, { burst: true });
    },
    PROOF_TIMEOUT_MS,
  );

  /** One flow on N BullMQ workers on the proof's saturated quota; one worker is SIGKILLed while it holds a chunk. */
  async function fleetProof(n: number): Promise<void> {
    const sim = await startSimulateProcess(['--preset', 'tier1', '--time-scale', '0.05', '--seed', String(20 + n)]);
    const key = `sim-proof-fleet-${n}`;
    await sim.quota({ provider: 'gemini', model: MODEL, limits: { rpm: RPM, rpd: RPD, tpm: TPM } });
    const env = (home: string) => proofEnv(sim, path.join(dir, `fleet-${n}-${home}`), key, RPM);
    const workers = Array.from({ length: n }, (_, i) => startWorker(env(`w${i}`), path.join(dir, `fleet-${n}-w${i}.db`)));
    try {
      const ready = async () => (await registry(redis.url)).filter((x) => x.role === 'worker').length === n;
      expect(await until(ready, 180_000), 'workers registered').toBe(true);
      const db = path.join(dir, `fleet-${n}.db`);
      const coordinator = startCli(
        ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--distributed', '--chunk-size', '4', '--json'],
        env('coordinator'),
      );
      expect(await coordinator.waitFor('submission', 3), 'the fleet made progress').toBe(true);
      expect(await killBusyWorker(redis.url, workers, 60_000), 'a worker holding a chunk, SIGKILLed').toBeDefined();
      const done = await coordinator.exited;
      expect(done.code, done.stderr).toBe(0);
      // Exactly one result per submission, though the victim's chunk ran again elsewhere.
      const total = (await readCsv(SAMPLE_BATCH)).rows.length;
      const reported = coordinator.lines.filter((l) => l.type === 'submission').map((l) => l.submissionId as string);
      expect(reported).toHaveLength(total);
      expect(new Set(reported).size).toBe(total);
      expect(query(db, 'SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM submissions')).toEqual([{ n: total, d: total }]);
      withinQuota(await sim.log(), RPM);
    } finally {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await sim.close();
    }
  }

  it.skipIf(!soak).each([2, 4])(
    'BullMQ: N = %i workers on one flow, the quota saturated, one SIGKILLed mid-chunk: one result per submission, within every limit, ≥ 90 % used',
    (n) => fleetProof(n),
    PROOF_TIMEOUT_MS,
  );
});
