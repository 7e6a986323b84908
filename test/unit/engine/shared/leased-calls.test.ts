// The engine with shared concurrency leases (docs/scale-out.md "Concurrency leases"), on virtual time: two engines
// (two instances) over one lease store, and an instance suspended between taking its slot and sending.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../../shared/config';
import { VirtualClock, type Clock } from '../../../../electron/engine/clock';
import { Engine } from '../../../../electron/engine/engine';
import type { Budget } from '../../../../electron/engine/budget';
import { LEASE_LOST } from '../../../../electron/engine/provider-call';
import { seededRng } from '../../../../electron/engine/rng';
import { LocalBreakerStore } from '../../../../electron/engine/shared/breaker-store';
import { LocalLeaseStore, type LeaseStore } from '../../../../electron/engine/shared/lease-store';
import { LocalRateStore } from '../../../../electron/engine/shared/rate-store';
import { request, ScriptedProvider } from '../scripted-provider';

const config: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
  providers: { ...DEFAULT_CONFIG.providers, gemini: { ...DEFAULT_CONFIG.providers.gemini, maxConcurrent: 2 } },
};

let n = 0;

function instance(clock: VirtualClock, leases: LeaseStore, latencyMs = 5_000, breaker = new LocalBreakerStore(clock)) {
  const gemini = new ScriptedProvider('gemini', clock, latencyMs);
  const groq = new ScriptedProvider('groq', clock);
  const engine = new Engine({
    config,
    clock,
    rng: seededRng(1),
    adapters: { gemini, groq },
    sharedProviders: (p) => (p === 'gemini' ? { instanceId: `i${++n}`, leases, breaker, rate: new LocalRateStore(clock) } : undefined),
  });
  const budgets: Budget[] = [];
  const call = (id: string) => {
    const budget = engine.newBudget(id);
    budgets.push(budget);
    return engine.call({ submissionId: id, budget, request: request() });
  };
  return { gemini, engine, call, budgets };
}

describe('engines over one lease store', () => {
  it("two instances with two slots each keep the key's two calls in flight between them, not four", async () => {
    const clock = new VirtualClock();
    const leases = new LocalLeaseStore(clock);
    const a = instance(clock, leases);
    const b = instance(clock, leases);
    let inFlight = 0;
    let peak = 0;
    for (const p of [a.gemini, b.gemini]) {
      const call = p.call.bind(p);
      p.call = async (req, signal) => {
        peak = Math.max(peak, ++inFlight);
        try {
          return await call(req, signal);
        } finally {
          inFlight--;
        }
      };
    }
    const results = await clock.run(Promise.all(['1', '2', '3', '4'].flatMap((id) => [a.call(`a${id}`), b.call(`b${id}`)])));
    expect(results.every((r) => r.status === 'ok' && r.provider === 'gemini')).toBe(true);
    expect(peak).toBe(2);
    expect(a.gemini.log.length + b.gemini.log.length).toBe(8);
  });

  it('an instance suspended past its lease right after taking the slot does not send; the call goes out once, later', async () => {
    const clock = new VirtualClock();
    // The store's (Redis's) time runs on while the instance is stopped: the first take is followed by a suspension.
    let stopped = 0;
    const server: Clock = { now: () => clock.now() + stopped, sleep: (ms, s) => clock.sleep(ms, s), setTimer: (ms, fn) => clock.setTimer(ms, fn) };
    const local = new LocalLeaseStore(server);
    let suspended = false;
    let lastId = '';
    const leases: LeaseStore = {
      take: (limit, ms) => {
        const r = local.take(limit, ms);
        if (r.ok) lastId = r.id;
        if (!suspended) {
          suspended = true;
          stopped = 2 * ms;
        }
        return r;
      },
      renew: (id, ms) => local.renew(id, ms),
      held: (id) => local.held(id),
      release: (id) => local.release(id),
      onFree: (l) => local.onFree(l),
    };
    const a = instance(clock, leases, 1_000);
    const heldAtSend: boolean[] = [];
    const send = a.gemini.call.bind(a.gemini);
    a.gemini.call = (req, signal) => {
      heldAtSend.push(local.held(lastId));
      return send(req, signal);
    };
    const r = await clock.run(a.call('s1'));
    expect(r).toMatchObject({ status: 'ok', provider: 'gemini' });
    expect(heldAtSend).toEqual([true]); // the suspended attempt never reached the provider; the one sent holds its slot
    expect(suspended).toBe(true);
    // Its timeline says why the first attempt went unsent.
    expect(a.budgets[0]?.timeline.filter((s) => s.step === 'attempt').map((s) => [s.sentAt === null, s.next, s.note])).toEqual([
      [true, 'retry', LEASE_LOST],
      [false, 'ok', null],
    ]);
  });
});
