// Restarts remember the quota (docs/engine-runtime.md): on the virtual clock, a limiter seeded from the stored calls
// holds the same window and day counters as the one that made them, and a restarted engine (same SQLite file, same
// key) neither sends into a window its predecessor filled nor past a refusal it learned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { RefillingBucket } from '../../../electron/engine/limiter/bucket';
import { CalendarDay, dayStartOf, nextMidnight } from '../../../electron/engine/limiter/calendar-day';
import type { Charge } from '../../../electron/engine/limiter/dimension';
import { buildDimensions } from '../../../electron/engine/limiter/quota-model';
import { LocalQuotaStore } from '../../../electron/engine/limiter/quota-store';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { keyHash, type SeedCharge } from '../../../electron/engine/quota-memory';
import { seededRng } from '../../../electron/engine/rng';
import { openStore, type Store } from '../../../electron/store/store';
import { applyConfigPatch, DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { ProviderId } from '../../../shared/provider';
import { request, ScriptedProvider } from './scripted-provider';

const T0 = Date.UTC(2026, 0, 5, 17, 0, 0); // 09:00 PST
const MIN = 60_000;

describe('seeding a dimension reproduces what the live one counted', () => {
  const live = (charges: SeedCharge[], make: () => { take(now: number, cost: number): Charge }) => {
    const d = make();
    for (const c of charges) d.take(c.at, c.tokens);
    return d;
  };

  it('sliding log: the charges of the last minute, at their own times', () => {
    const now = T0 + 10 * MIN;
    const charges = [-70_000, -59_000, -30_000, -1].map((dt, i) => ({ at: now + dt, tokens: 100 * (i + 1) }));
    const seeded = new SlidingLog('TPM', 1_000, 1_000);
    seeded.seed(
      charges.map((c) => ({ at: c.at, amount: c.tokens })),
      now,
    );
    const reference = live(charges, () => new SlidingLog('TPM', 1_000, 1_000));
    expect(seeded.used(now)).toBe(200 + 300 + 400);
    expect(seeded.used(now)).toBe((reference as SlidingLog).used(now));
    // 900 of 1,000 in the window: 300 more fit once the charge of 59 s ago leaves, 1 s from now.
    expect(seeded.earliest(now, 300)).toBe(now - 59_000 + MIN);
    expect(seeded.earliest(now, 300)).toBe((reference as SlidingLog).earliest(now, 300));
  });

  it('calendar day: only the calls since midnight Pacific, and a spent day waits for the next midnight', () => {
    const now = T0; // 09:00 PST on 5 January
    const midnight = dayStartOf(now);
    expect(midnight).toBe(Date.UTC(2026, 0, 5, 8, 0, 0));
    const day = new CalendarDay('RPD', 5, 5, now);
    day.seed(
      [midnight - 1, midnight, midnight + 3_600_000, now - 1, now].map((at) => ({ at, amount: 1 })),
      now,
    );
    expect(day.used(now)).toBe(4);
    expect(day.earliest(now, 1)).toBe(now);
    day.take(now, 1);
    expect(day.earliest(now, 1)).toBe(nextMidnight(now));
  });

  it('the day start holds across both DST changes (23 h and 25 h days)', () => {
    expect(dayStartOf(Date.UTC(2026, 2, 8, 20, 0))).toBe(Date.UTC(2026, 2, 8, 8, 0)); // spring forward: PST midnight
    expect(dayStartOf(Date.UTC(2026, 10, 1, 20, 0))).toBe(Date.UTC(2026, 10, 1, 7, 0)); // fall back: PDT midnight
    expect(dayStartOf(Date.UTC(2026, 10, 1, 7, 0))).toBe(Date.UTC(2026, 10, 1, 7, 0)); // exactly at midnight
  });

  it("refilling bucket (Groq's rolling day): replaying the day's charges gives the live bucket's level", () => {
    const DAY = 24 * 60 * MIN;
    const now = T0 + DAY;
    const charges = [-DAY - 5, -20 * 3_600_000, -6 * 3_600_000, -MIN, -1].map((dt) => ({ at: now + dt, tokens: 300 }));
    const reference = new RefillingBucket('RPD', 1_000, 1_000, DAY, now - DAY - 10);
    for (const c of charges) reference.take(c.at, c.tokens);
    const seeded = new RefillingBucket('RPD', 1_000, 1_000, DAY, now);
    seeded.seed(
      charges.map((c) => ({ at: c.at, amount: c.tokens })),
      now,
    );
    expect(seeded.used(now)).toBeGreaterThan(0);
    expect(seeded.used(now)).toBeCloseTo(reference.used(now), 6);
    expect(seeded.earliest(now, 900)).toBe(reference.earliest(now, 900));
  });

  it('the local store seeds every dimension at once: requests on RPM/RPD, tokens on TPM', () => {
    const now = T0;
    const store = new LocalQuotaStore(buildDimensions('gemini', DEFAULT_CONFIG.providers.gemini, now));
    store.seed(
      [
        { at: now - 2 * 3_600_000, tokens: 5_000 },
        { at: now - 30_000, tokens: 1_000 },
        { at: now - 10_000, tokens: 2_000 },
      ],
      now,
    );
    const used = Object.fromEntries(store.dims.map((d) => [d.name, d.used(now)]));
    expect(used).toEqual({ RPM: 2, TPM: 3_000, RPD: 3 });
  });
});

describe('a restarted engine starts from the stored quota', () => {
  let dir: string;
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const quiet = (patch: unknown = {}): EngineConfig =>
    applyConfigPatch({ ...DEFAULT_CONFIG, stagger: { enabled: false, minMs: 0, maxMs: 0 } }, patch);

  function boot(clock: VirtualClock, config: EngineConfig, key = 'key-1') {
    store ??= openStore(join(dir, 'ev.db'), { now: () => clock.now() });
    const hashes: Partial<Record<ProviderId, string>> = { gemini: keyHash(key), groq: keyHash(key) };
    const gemini = new ScriptedProvider('gemini', clock, 2_000);
    const groq = new ScriptedProvider('groq', clock);
    const engine = new Engine({
      config,
      clock,
      rng: seededRng(1),
      adapters: { gemini, groq },
      quotaMemory: store.quotaMemory((p) => hashes[p] ?? null),
    });
    const call = (id: string) => engine.call({ submissionId: id, budget: engine.newBudget(id), request: request('theme') });
    return { engine, gemini, groq, call };
  }

  it('holds back until the predecessor’s calls leave the window, and counts them on the day', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ev-seed-'));
    const clock = new VirtualClock(T0);
    // 10 RPM × 0.9 = 9 per sliding minute for us; the first process spends 6 of them, then "dies".
    const config = quiet({ providers: { gemini: { rpm: 10 }, groq: { enabled: false } } });
    const first = boot(clock, config);
    await clock.run(Promise.all(Array.from({ length: 6 }, (_, i) => first.call(`a${i}`))));
    expect(first.gemini.log).toHaveLength(6);

    await clock.advance(20_000); // the restart, 22 s after the first calls started
    const second = boot(clock, config);
    const snap = second.engine.providerSnapshots().find((p) => p.provider === 'gemini');
    expect(snap?.rpdUsed).toBe(6);
    const t1 = clock.now();
    await clock.run(Promise.all(Array.from({ length: 6 }, (_, i) => second.call(`b${i}`))));
    const starts = second.gemini.log.map((l) => l.at - t1);
    // 3 fit at once (9 − 6); the other 3 wait for the first process's calls to leave: 60 s after their answers (T0 + 2 s).
    expect(starts).toEqual([0, 0, 0, 1, 1, 1].map((w) => (w ? T0 + 2_000 + MIN - t1 : 0)));
    // A blind restart would have sent all 6 at once: 12 in the server's minute, above its 10.
  });

  it('keeps a daily exhaustion the provider reported, with its expiry, and sends nothing until then', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ev-seed-'));
    const clock = new VirtualClock(T0);
    const config = quiet({ providers: { groq: { enabled: false } } });
    const first = boot(clock, config);
    first.gemini.script = [{ kind: 'daily_quota', status: 429, retryAfterMs: 20_000, dimension: 'RPD' }];
    await clock.run(first.call('a0'));
    await clock.advance(MIN);
    const second = boot(clock, config);
    const r = await clock.run(second.call('b0'));
    expect(r).toEqual({ status: 'undetermined', reason: expect.stringContaining('gemini exhausted until 00:00 PT') });
    expect(second.gemini.log).toHaveLength(0);
    expect(second.engine.providerSnapshots()[0]?.exhaustedUntil).toBe(nextMidnight(T0));
    // After midnight Pacific the refusal has expired: a third start calls again.
    await clock.advance(nextMidnight(T0) - clock.now() + 1);
    const third = boot(clock, config);
    expect(await clock.run(third.call('c0'))).toMatchObject({ status: 'ok' });
  });

  it('keeps a rejected key until the key changes, and a new key forgets it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ev-seed-'));
    const clock = new VirtualClock(T0);
    const config = quiet({ providers: { groq: { enabled: false } } });
    const first = boot(clock, config);
    first.gemini.script = [{ kind: 'auth', status: 401, message: 'API key not valid' }];
    await clock.run(first.call('a0'));
    const second = boot(clock, config);
    expect(await clock.run(second.call('b0'))).toEqual({ status: 'undetermined', reason: expect.stringContaining('gemini misconfigured') });
    expect(second.gemini.log).toHaveLength(0);
    // Another key is another account: nothing stored applies to it.
    const other = boot(clock, config, 'key-2');
    expect(await clock.run(other.call('c0'))).toMatchObject({ status: 'ok' });
    // The operator sets a key at runtime: the stored refusal is forgotten, so the next start calls again.
    second.engine.setAdapter('gemini', new ScriptedProvider('gemini', clock));
    const third = boot(clock, config);
    expect(await clock.run(third.call('d0'))).toMatchObject({ status: 'ok' });
  });

  it('counts a call from its answer, one in flight when the process died from the restart, at the reported tokens', () => {
    dir = mkdtempSync(join(tmpdir(), 'ev-seed-'));
    const clock = new VirtualClock(T0);
    store = openStore(join(dir, 'ev.db'), { now: () => clock.now() });
    const memory = store.quotaMemory(() => keyHash('k'));
    const answered = memory.started('gemini', 'm', T0 - 9_000, 900);
    const failed = memory.started('gemini', 'm', T0 - 8_000, 800);
    memory.started('gemini', 'm', T0 - 1_000, 700); // in flight at the "crash"
    if (answered !== null) memory.answered(answered, T0 - 4_000, 400);
    if (failed !== null) memory.answered(failed, T0 - 6_000, null); // no usage reported: the estimate stands
    memory.started('gemini', 'other-model', T0, 1);
    expect(memory.recall('gemini', 'm', T0 - MIN, T0 + 5)).toEqual([
      { at: T0 - 6_000, tokens: 800 },
      { at: T0 - 4_000, tokens: 400 },
      { at: T0 + 5, tokens: 700 },
    ]);
    // Another key's calls are not this key's quota; no key: nothing is stored.
    expect(store.quotaMemory(() => keyHash('other')).recall('gemini', 'm', 0, T0)).toEqual([]);
    expect(store.quotaMemory(() => null).started('gemini', 'm', T0, 1)).toBeNull();
  });
});
