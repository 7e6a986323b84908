// The shared quota on a real redis-server: many instances (each its own connections) on one key. Window checks use
// the server's admission times (Redis TIME is the only clock for decisions), never the test's wall clock.
import { expect, it } from 'vitest';
import { RealClock, VirtualClock, type Clock } from '../../../electron/engine/clock';
import { RefillingBucket } from '../../../electron/engine/limiter/bucket';
import { CalendarDay, nextMidnight } from '../../../electron/engine/limiter/calendar-day';
import type { Dimension } from '../../../electron/engine/limiter/dimension';
import { RateLimiter } from '../../../electron/engine/limiter/limiter';
import type { AcquireResult } from '../../../electron/engine/limiter/quota-store';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { ProviderState } from '../../../electron/engine/provider-state';
import { seededRng } from '../../../electron/engine/rng';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { RECHECK_MS, type RedisQuotaStore } from '../../../electron/engine/shared/redis-quota-store';
import { connectSharedQuota, type SharedQuota } from '../../../electron/engine/shared/shared-quota';
import { describeWithRedis, sharedQuotaFixture, startRedisServer } from '../../helpers/redis-server';

const off = { enabled: false, min: 1, max: 1 };
type Grant = Extract<AcquireResult, { ok: true }>;

/** A clock `skewMs` ahead of (or behind) the machine's; a test may move it. */
class SkewedClock extends RealClock {
  constructor(public skewMs: number) {
    super();
  }
  override now(): number {
    return super.now() + this.skewMs;
  }
}

describeWithRedis('RedisQuotaStore on a real redis-server', () => {
  const { open, key, instance, ownServer } = sharedQuotaFixture('key'); // a fresh API key (so fresh Redis keys) per test

  /** N instances race `total` acquires each (retrying refusals at their returned time); returns every grant. */
  async function race(stores: ReturnType<SharedQuota['storeFor']>[], perInstance: number, tokens: () => number, clock: Clock) {
    const grants: { at: number; tokens: number }[] = [];
    await Promise.all(
      stores.map(async (store) => {
        for (let got = 0; got < perInstance;) {
          const t = tokens();
          const r = await store.acquire(t, clock.now());
          if (r.ok) {
            grants.push({ at: r.at, tokens: t });
            got++;
          } else await new Promise((res) => setTimeout(res, Math.max(1, Math.min(50, r.at - clock.now()))));
        }
      }),
    );
    return grants.sort((a, b) => a.at - b.at);
  }

  it('four instances on one key never exceed a sliding window, by requests or tokens, and each grant is unique', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const dims = () => [new SlidingLog('RPM', 6, 6, 1_000), new SlidingLog('TPM', 400, 400, 1_000)];
    const stores = await Promise.all(Array.from({ length: 4 }, async () => (await instance()).storeFor('gemini', apiKey, 'm', dims(), clock)));
    let seed = 7;
    const grants = await race(stores, 8, () => ((seed = (seed * 48271) % 2147483647), 10 + (seed % 90)), clock);
    expect(grants).toHaveLength(32);
    for (const g of grants) {
      const inWindow = grants.filter((o) => o.at <= g.at && g.at - o.at < 1_000);
      expect(inWindow.length).toBeLessThanOrEqual(6);
      expect(inWindow.reduce((s, o) => s + o.tokens, 0)).toBeLessThanOrEqual(400);
    }
  });

  it('a refused acquire charges nothing, and says what blocks and until when', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const store = (await instance()).storeFor(
      'gemini',
      apiKey,
      'm',
      [new SlidingLog('RPM', 10, 10, 60_000), new SlidingLog('TPM', 1_000, 1_000, 60_000)],
      clock,
    );
    const first = (await store.acquire(900, clock.now())) as Grant;
    expect(first.ok).toBe(true);
    const refused = await store.acquire(500, clock.now());
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.blockers.map((b) => b.dimension)).toEqual(['TPM']);
    expect(refused.blockers[0]?.at).toBeGreaterThan(clock.now() + 50_000);
    expect(store.dims.map((d) => d.used(clock.now()))).toEqual([1, 900]);
    // Settlement frees tokens at once; a refund gives back everything, once.
    await store.settle(first.reservation, 300, clock.now());
    const second = (await store.acquire(500, clock.now())) as Grant;
    expect(second.ok).toBe(true);
    expect(store.dims.map((d) => d.used(clock.now()))).toEqual([2, 800]);
    await store.refund(second.reservation, clock.now());
    await store.refund(second.reservation, clock.now());
    const probe = (await store.acquire(1, clock.now())) as Grant;
    expect(store.dims.map((d) => d.used(clock.now()))).toEqual([2, 301]);
    await store.refund(probe.reservation, clock.now());
  });

  it('a clock 5 s ahead or behind on one instance changes nothing: the server decides', async () => {
    const apiKey = key();
    const clocks = [new RealClock(), new SkewedClock(5_000), new SkewedClock(-5_000)];
    const stores = await Promise.all(
      clocks.map(async (c) => (await instance()).storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 4, 4, 1_000)], c)),
    );
    const grants = await race(stores, 4, () => 1, clocks[0] as Clock);
    for (const g of grants) expect(grants.filter((o) => o.at <= g.at && g.at - o.at < 1_000).length).toBeLessThanOrEqual(4);
    // The skewed instance turns the server's refusal time into its own clock's terms.
    const skewed = stores[1];
    const r = await skewed?.acquire(1, (clocks[1] as Clock).now());
    if (r && !r.ok) expect(Math.abs(r.at - (clocks[1] as Clock).now())).toBeLessThan(2_100);
  });

  it('refilling buckets (Groq) stay inside a server bucket of the same capacity across instances', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const stores = await Promise.all(
      Array.from({ length: 3 }, async () =>
        (await instance()).storeFor('groq', apiKey, 'm', [new RefillingBucket('RPM', 5, 5, 1_000, clock.now())], clock),
      ),
    );
    const grants = await race(stores, 5, () => 1, clock);
    let level = 5;
    let at = grants[0]?.at ?? 0;
    for (const g of grants) {
      level = Math.min(5, level + ((g.at - at) * 5) / 1_000);
      at = g.at;
      level -= 1;
      expect(level).toBeGreaterThan(-1e-6);
    }
  });

  it('an admission counts until a window after Redis made it, or its day’s end, on a skewed clock too; then it has expired', async () => {
    const clock = new SkewedClock(5_000);
    const dims = [new SlidingLog('RPM', 5, 5, 60_000), new CalendarDay('RPD', 100, 100, clock.now())];
    const store = (await instance()).storeFor('gemini', key(), 'm', dims, clock);
    const g = (await store.acquire(1, clock.now())) as Grant;
    expect(g.ok).toBe(true);
    // Redis's admission time (g.at), in this clock's terms: 5 s later.
    const minute = g.at + 5_000 + 60_000;
    const until = store.countsUntil(g.reservation);
    expect(Math.abs(until - Math.min(minute, nextMidnight(g.at) + 5_000))).toBeLessThan(50);
    const day = (await instance()).storeFor('gemini', key(), 'm', [new CalendarDay('RPD', 100, 100, clock.now())], clock);
    const d = (await day.acquire(1, clock.now())) as Grant;
    expect(Math.abs(day.countsUntil(d.reservation) - (nextMidnight(d.at) + 5_000))).toBeLessThan(50);

    // Through a limiter: the admission is fresh until a second before its charge leaves the window.
    const limiter = new RateLimiter(clock, seededRng(1), store, off);
    const admission = await limiter.acquire(1);
    expect(admission.expired(clock.now())).toBe(false);
    clock.skewMs += 58_000; // the instance waited 58 s for a slot (its clock moved; its last reply's offset did not)
    expect(admission.expired(clock.now())).toBe(false);
    clock.skewMs += 1_500;
    expect(admission.expired(clock.now())).toBe(true);
    admission.refund();
  });

  it('a spent calendar day refuses until the reset, and a pause set by one instance holds the others', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const a = (await instance()).storeFor('gemini', apiKey, 'm', [new CalendarDay('RPD', 2, 2, clock.now())], clock);
    const b = (await instance()).storeFor('gemini', apiKey, 'm', [new CalendarDay('RPD', 2, 2, clock.now())], clock);
    expect((await a.acquire(1, clock.now())).ok).toBe(true);
    expect((await b.acquire(1, clock.now())).ok).toBe(true);
    const day = await a.acquire(1, clock.now());
    expect(day.ok).toBe(false);
    if (!day.ok) expect(day.blockers).toEqual([{ dimension: 'RPD', at: expect.closeTo(nextMidnight(clock.now()), -3) }]);

    const apiKey2 = key();
    const c = (await instance()).storeFor('gemini', apiKey2, 'm', [new SlidingLog('RPM', 10, 10)], clock);
    const d = (await instance()).storeFor('gemini', apiKey2, 'm', [new SlidingLog('RPM', 10, 10)], clock);
    await c.pause(clock.now() + 30_000);
    const held = await d.acquire(1, clock.now());
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.blockers[0]?.dimension).toBe('pause');
    expect(d.pausedUntil(clock.now())).toBeGreaterThan(clock.now() + 25_000);
    await c.unpause();
    expect((await d.acquire(1, clock.now())).ok).toBe(true);
  });

  it('capacity one instance refunds admits another instance’s waiting scheduler long before the window frees', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const dims = (): Dimension[] => [new SlidingLog('RPM', 1, 1, 60_000)];
    const a = new RateLimiter(clock, seededRng(1), (await instance()).storeFor('gemini', apiKey, 'm', dims(), clock), off);
    const b = new RateLimiter(clock, seededRng(2), (await instance()).storeFor('gemini', apiKey, 'm', dims(), clock), off);
    const held = await a.acquire(1);
    const waiting = b.acquire(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.queued).toBe(1);
    held.refund();
    const got = await waiting; // the window is a minute, far past this test's timeout: only the wake-up admits it
    expect(got.waitedMs).toBeLessThan(60_000);
    got.refund();
  });

  it('two engines’ provider states with the shared factory draw on one quota for one key, and another key is apart', async () => {
    const clock = new RealClock();
    const cfg = { ...DEFAULT_CONFIG.providers.gemini, rpm: 2, safetyFactor: 1 };
    const apiKey = key();
    const states = await Promise.all(
      ['k', 'k', 'other'].map(async (k) => {
        const q = await instance();
        const stateKey = k === 'k' ? apiKey : `${apiKey}-other`;
        return new ProviderState(
          'gemini',
          cfg,
          clock,
          seededRng(1),
          () => undefined,
          false,
          (p, model, dims) => q.storeFor(p, stateKey, model, dims, clock),
        );
      }),
    );
    const [a, b, c] = states as [ProviderState, ProviderState, ProviderState];
    const model = cfg.textModel;
    await a.limiter(model).acquire(10);
    await a.limiter(model).acquire(10);
    const third = b.limiter(model).acquire(10);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.limiter(model).queued).toBe(1); // the window is a minute: instance b waits on a's charges
    expect(b.snapshot().waitReasons[0]).toMatch(/^RPM: 1 request short, admissible at/);
    await c.limiter(model).acquire(10); // another API key has a quota of its own
    b.limiter(model).drain('test over');
    await expect(third).rejects.toThrow('test over');
  });

  it('REDIS_URL unreachable at the start is an error naming it, not a silent local quota', async () => {
    const gone = await startRedisServer();
    const url = gone.url.replace('redis://', 'redis://user:secret@');
    await gone.stop();
    const refused = connectSharedQuota(url);
    await expect(refused).rejects.toThrow(/REDIS_URL is set but Redis cannot be reached: cannot reach Redis at 127\.0\.0\.1:\d+: /);
    await expect(refused).rejects.not.toThrow(/secret/);
  });

  /** `n` instances (each its own connections) on one fresh key at 8 RPM, on one virtual clock. */
  async function instancesOn(url: string, n: number) {
    const clock = new VirtualClock(Date.now());
    const apiKey = key();
    const qs = await Promise.all(Array.from({ length: n }, () => connectSharedQuota(url)));
    open.push(...qs);
    return { clock, qs, stores: qs.map((q) => q.storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 8, 8, 60_000)], clock)) };
  }

  /** Two instances on one fresh key at 8 RPM, on one virtual clock. */
  async function twoInstances(url: string) {
    const { clock, qs, stores } = await instancesOn(url, 2);
    open.splice(open.length - 2, 2); // each test decides which connections the fixture closes
    return { clock, qa: qs[0] as SharedQuota, qb: qs[1] as SharedQuota, a: stores[0] as RedisQuotaStore, b: stores[1] as RedisQuotaStore };
  }

  /**
   * Three rounds of what the heartbeat sends: each store reads a live count with all of them in it, confirms it holds
   * that count, and hears that every join is complete (docs/scale-out.md "Redis down").
   */
  async function countedByAll(stores: RedisQuotaStore[]): Promise<void> {
    for (let round = 0; round < 3; round++) for (const s of stores) await s.usage();
  }

  /** Redis just went away: `store` admits nothing for the window, then how many of 6 asks its local share grants. */
  async function grantsOnShareAfterHold(store: ReturnType<SharedQuota['storeFor']>, clock: VirtualClock): Promise<number> {
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(60_000);
    const local = [];
    for (let i = 0; i < 6; i++) local.push((await store.acquire(1, clock.now())).ok);
    return local.filter(Boolean).length;
  }

  it('Redis down: nothing for one full window after the last good reply, then a local share, then Redis again', async () => {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const q = await connectSharedQuota(own.url);
    open.push(q);
    const troubles: (string | null)[] = [];
    const apiKey = key();
    const store = q.storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 8, 8, 60_000)], clock, (m) => troubles.push(m));
    const first = (await store.acquire(1, clock.now())) as Grant;
    expect(first.ok).toBe(true);
    await store.settle(first.reservation, 1, clock.now()); // answered: none of its calls in flight at the outage
    await own.kill();
    const refused = await store.acquire(1, clock.now());
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.blockers[0]?.dimension).toBe('store');
    expect(troubles[0]).toMatch(/^shared quota unreachable .*admitting nothing until/);
    await clock.advance(59_000);
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(1_000);
    // One live instance: its share is the whole limit, counted locally.
    const local = [];
    for (let i = 0; i < 10; i++) local.push((await store.acquire(1, clock.now())).ok);
    expect(local.filter(Boolean)).toHaveLength(8);
    expect(store.trouble()).toMatch(/running locally on 1\/1 of the quota/);
    // Said as it happens too (the CLI prints each change on stderr), not only as a wait reason.
    expect(troubles.at(-1)).toMatch(/running locally on 1\/1 of the quota/);
    await own.restart();
    for (let i = 0; i < 100 && store.trouble() !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(troubles.at(-1)).toBeNull();
    // A fresh Redis (no persistence), but the 8 local charges were replayed into it: the window is full there too.
    const after = await store.acquire(1, clock.now());
    expect(after.ok || after.blockers.map((b) => b.dimension)).toEqual(['RPM']);
    const q2 = await connectSharedQuota(own.url);
    open.push(q2);
    const other = q2.storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 8, 8, 60_000)], clock);
    const seen = await other.acquire(1, clock.now());
    expect(seen.ok || seen.blockers.map((b) => b.dimension)).toEqual(['RPM']);
  });

  it('an instance idle before the outage holds a full window from when it finds Redis gone, not from its last reply', async () => {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const q = await connectSharedQuota(own.url);
    open.push(q);
    const store = q.storeFor('gemini', key(), 'm', [new SlidingLog('RPM', 8, 8, 60_000)], clock);
    const first = (await store.acquire(1, clock.now())) as Grant;
    await store.settle(first.reservation, 1, clock.now()); // answered: none of its calls in flight at the outage
    await clock.advance(50_000); // idle here, while the others may fill the window until Redis stops
    await own.kill();
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(59_000); // a window after the last reply, not after the outage was found
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(1_000);
    expect((await store.acquire(1, clock.now())).ok).toBe(true);
  });

  it('an instance with nothing to ask divides by the live count of now, not of its last acquire (heartbeat)', async () => {
    const own = await ownServer();
    const { clock, qa, qb, a, b } = await twoInstances(own.url);
    open.push(qa, qb);
    // a's only reply counts one live instance; b joins afterwards while a's calls would be in flight (a asks nothing)
    await a.refund(((await a.acquire(1, clock.now())) as Grant).reservation, clock.now());
    await b.refund(((await b.acquire(1, clock.now())) as Grant).reservation, clock.now());
    for (let i = 0; i < 2; i++) {
      await clock.advance(RECHECK_MS); // a heartbeat is due: a's read of the live count goes to Redis
      await new Promise((r) => setTimeout(r, 300)); // and comes back (a loopback round trip)
    }
    await own.kill();
    expect(await grantsOnShareAfterHold(a, clock)).toBe(4); // ⌊8 ÷ 2⌋, not the whole 8 its last acquire would have said
    expect(a.trouble()).toMatch(/running locally on 1\/2 of the quota/);
  });

  /** Redis just went away: each store admits nothing for the window, then how many of 8 asks its local share grants. */
  async function sharesAfterHold(stores: RedisQuotaStore[], clock: VirtualClock): Promise<number[]> {
    for (const s of stores) expect((await s.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(60_000);
    const grants = [];
    for (const s of stores) {
      let n = 0;
      for (let i = 0; i < 8; i++) if ((await s.acquire(1, clock.now())).ok) n++;
      grants.push(n);
    }
    return grants;
  }

  /**
   * Two instances counted by each other, then a third whose first acquire comes within a heartbeat of the kill, its
   * join `confirmed` by every instance's reads (what the heartbeat sends every 2 s) or not: each one's share after the hold.
   */
  async function joinerBeforeKill(confirmed: boolean) {
    const own = await ownServer();
    const { clock, stores } = await instancesOn(own.url, 3);
    const [a, b, joiner] = stores as [RedisQuotaStore, RedisQuotaStore, RedisQuotaStore];
    for (const s of [a, b]) await s.refund(((await s.acquire(1, clock.now())) as Grant).reservation, clock.now());
    await countedByAll([a, b]);
    await joiner.refund(((await joiner.acquire(1, clock.now())) as Grant).reservation, clock.now());
    if (confirmed) await countedByAll(stores);
    await own.kill();
    return { grants: await sharesAfterHold(stores, clock), troubles: stores.map((s) => s.trouble()) };
  }

  it('an instance that joined just before Redis went away, not yet counted by the others, admits nothing on its own', async () => {
    const { grants, troubles } = await joinerBeforeKill(false);
    expect(grants).toEqual([4, 4, 0]); // ⌊8 ÷ 2⌋ each (they still divide by two), and nothing for the one they did not count
    expect(grants.reduce((x, y) => x + y)).toBeLessThanOrEqual(8); // not 8 + ⌊8 ÷ 3⌋
    expect(troubles[2]).toMatch(/joined too recently to be counted by every other instance/);
    expect(troubles[0]).toMatch(/running locally on 1\/2 of the quota/);
  });

  it('a join is complete once every other instance holds a count with it: then each divides by all of them', async () => {
    const { grants, troubles } = await joinerBeforeKill(true);
    expect(grants).toEqual([2, 2, 2]); // ⌊8 ÷ 3⌋ each
    expect(troubles).toEqual([0, 1, 2].map(() => expect.stringMatching(/running locally on 1\/3 of the quota/)));
  });

  it('an instance whose first ask came after Redis went away admits nothing for one window after it returns', async () => {
    const own = await ownServer();
    const { clock, qa, qb, a, b } = await twoInstances(own.url);
    open.push(qa, qb);
    await a.refund(((await a.acquire(1, clock.now())) as Grant).reservation, clock.now()); // b is still starting
    await own.kill();
    expect((await b.acquire(1, clock.now())).ok).toBe(false); // b's first ask: it has never heard the live count
    expect(await grantsOnShareAfterHold(a, clock)).toBe(6); // a's share: the whole 8 (one live instance), 6 asked for
    await own.restart(); // empty: a replays its 6 as it reconnects, and b cannot know whether that happened yet
    for (let i = 0; i < 100 && (a.trouble() !== null || b.trouble() !== null); i++) await new Promise((r) => setTimeout(r, 50));
    // The soak's three shards: the one that had not asked before the kill took the whole limit through the empty Redis.
    const held = await b.acquire(1, clock.now());
    expect(held.ok || held.blockers.map((x) => x.dimension)).toEqual(['store']);
    await clock.advance(59_000);
    expect((await b.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(1_000);
    expect((await b.acquire(1, clock.now())).ok).toBe(true);
  });

  it('calls admitted before the outage that wait for a slot past the hold go out on the share, not beside it', async () => {
    const own = await ownServer();
    const { clock, qa, qb, a, b } = await twoInstances(own.url);
    open.push(qa, qb);
    await b.refund(((await b.acquire(1, clock.now())) as Grant).reservation, clock.now());
    // Admitted through Redis, then waiting for a concurrency slot when Redis goes away: never sent before the hold ends.
    const [sent, cancelled] = [(await a.acquire(1, clock.now())) as Grant, (await a.acquire(1, clock.now())) as Grant];
    await countedByAll([a, b]);
    await own.kill();
    expect(await grantsOnShareAfterHold(a, clock)).toBe(2); // ⌊8 ÷ 2⌋, two of them already the waiting calls'
    const shareBegan = clock.now();
    // Redis is down, so each close rejects after its local part (the limiter only logs that): caught here alike.
    const down = (p: Promise<void>) => p.catch(() => undefined);
    await down(a.refund(cancelled.reservation, clock.now())); // cancelled before it got a slot: its place on the share is free
    expect((await a.acquire(1, clock.now())).ok).toBe(true);
    await clock.advance(10_000);
    await down(a.restamp(sent.reservation, clock.now())); // it gets its slot and goes out, counted on the share from now
    const full = await a.acquire(1, clock.now());
    expect(full.ok || full.blockers).toEqual([{ dimension: 'RPM', at: shareBegan + 60_000 }]); // the share, not a new hold
    await clock.advance(2_000);
    await down(a.settle(sent.reservation, 1, clock.now()));
    await clock.advance(shareBegan + 60_000 - clock.now());
    let n = 0;
    for (let i = 0; i < 4; i++) if ((await a.acquire(1, clock.now())).ok) n++;
    expect(n).toBe(3); // the late call is still in the share's window, from when it went out
    await clock.advance(10_000);
    expect((await a.acquire(1, clock.now())).ok).toBe(true);
  });

  it('Redis down late in a day: the share is of what the day had left, not of the whole day', async () => {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const apiKey = key();
    const qs = await Promise.all([0, 1].map(() => connectSharedQuota(own.url)));
    open.push(...qs);
    const [a, b] = qs.map((q) =>
      q.storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 100, 100, 60_000), new CalendarDay('RPD', 10, 10, clock.now())], clock),
    ) as [RedisQuotaStore, RedisQuotaStore];
    for (let i = 0; i < 6; i++) await a.settle(((await a.acquire(1, clock.now())) as Grant).reservation, 1, clock.now());
    await b.refund(((await b.acquire(1, clock.now())) as Grant).reservation, clock.now());
    await countedByAll([a, b]);
    await own.kill();
    expect(await grantsOnShareAfterHold(a, clock)).toBe(2); // ⌊(10 − 6) ÷ 2⌋, not ⌊10 ÷ 2⌋
  });

  it('after Redis returns, one window more on the share: the others may not have replayed their local charges yet', async () => {
    const own = await ownServer();
    const { clock, qa, qb, a, b } = await twoInstances(own.url);
    open.push(qa);
    // a's last reply counts two live instances, and b holds a count with a in it
    for (const s of [b, a]) await s.refund(((await s.acquire(1, clock.now())) as Grant).reservation, clock.now());
    await countedByAll([a, b]);
    await qb.close(); // b's local charges would reach Redis only when it reconnects: here, never
    await own.kill();
    expect(await grantsOnShareAfterHold(a, clock)).toBe(4); // ⌊8 ÷ 2⌋
    await own.restart();
    for (let i = 0; i < 100 && a.trouble() !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.trouble()).toBeNull();
    // Redis holds a's 4 replayed charges and would admit 4 more; the share still says no, for one window.
    const held = await a.acquire(1, clock.now());
    expect(held.ok || held.blockers.map((x) => x.dimension)).toEqual(['RPM']);
    await clock.advance(60_000);
    expect((await a.acquire(1, clock.now())).ok).toBe(true);
  });
});
