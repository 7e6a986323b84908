// The breaker walks every transition with its cause, and half-open lets exactly N probes through.
import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../../shared/provider';
import { failure, okOutcome } from '../../helpers/breaker-fleet';
import { VirtualClock } from '../../../electron/engine/clock';
import { CircuitBreaker, type BreakerTransition } from '../../../electron/engine/breaker';

const params = { threshold: 0.5, windowMs: 120_000, cooldownMs: 60_000, minCalls: 4, halfOpenProbes: 1 };

function setup(p = params) {
  const clock = new VirtualClock(0);
  const log: BreakerTransition[] = [];
  const b = new CircuitBreaker(clock, p, (t) => log.push(t));
  const call = (o: CallOutcome) => {
    const permit = b.permit();
    if (!permit) throw new Error('denied');
    b.record(permit, o);
  };
  return { clock, b, log, call };
}

describe('CircuitBreaker', () => {
  it('CLOSED → OPEN → HALF_OPEN → CLOSED, each transition with its cause', async () => {
    const { clock, b, log, call } = setup();
    call(failure('server', 500));
    call(okOutcome);
    call(okOutcome);
    expect(b.state).toBe('closed'); // below minCalls
    call(failure('overloaded', 503));
    expect(b.state).toBe('open');
    expect(log[0]).toMatchObject({ from: 'closed', to: 'open', tripCause: '5xx', forced: false });
    expect(log[0]?.cause).toMatch(/error rate 50% over 4 calls/);
    expect(b.permit()).toBeNull();
    expect(b.snapshot().halfOpenAt).toBe(60_000);
    await clock.advance(60_000);
    expect(b.state).toBe('half_open'); // published on time, not on the next call
    expect(log[1]).toMatchObject({ from: 'open', to: 'half_open', cause: 'cooldown elapsed' });
    call(okOutcome);
    expect(log[2]).toMatchObject({ from: 'half_open', to: 'closed', cause: 'probe succeeded' });
    expect(b.snapshot().calls).toBe(0);
  });

  it('HALF_OPEN → OPEN when the probe fails', async () => {
    const { clock, b, log, call } = setup({ ...params, minCalls: 1, threshold: 0.1 });
    call(failure('timeout'));
    expect(log[0]?.tripCause).toBe('timeout');
    await clock.advance(60_000);
    call(failure('rate_limit', 429));
    expect(b.state).toBe('open');
    expect(log.at(-1)).toMatchObject({ from: 'half_open', to: 'open', tripCause: 'probe_failed' });
  });

  it('half-open is single-flight under 50 concurrent callers, for N probes', async () => {
    for (const probes of [1, 3]) {
      const { clock, b, call } = setup({ ...params, minCalls: 1, halfOpenProbes: probes });
      call(failure('network'));
      await clock.advance(60_000);
      const permits = Array.from({ length: 50 }, () => b.permit());
      const granted = permits.filter((p) => p !== null);
      expect(granted).toHaveLength(probes);
      expect(granted.every((p) => p?.probe)).toBe(true);
      // An unused probe slot is given back; a neutral outcome frees it too.
      b.release(granted[0] as NonNullable<(typeof granted)[0]>);
      expect(b.permit()).not.toBeNull();
    }
  });

  it('other 4xx and our own aborts do not count against health; auth opens with cause auth', () => {
    const { b, log, call } = setup({ ...params, minCalls: 2, threshold: 0.5 });
    for (let i = 0; i < 10; i++) call(failure('bad_request', 400));
    call(failure('aborted'));
    expect(b.state).toBe('closed');
    expect(b.snapshot().errorRate).toBe(0);
    call(failure('auth', 401));
    expect(b.state).toBe('open');
    expect(log.at(-1)?.tripCause).toBe('auth');
  });

  it('errors age out of the rolling window', async () => {
    const { clock, b, call } = setup({ ...params, minCalls: 3, threshold: 0.5 });
    call(failure('server'));
    call(failure('server'));
    await clock.advance(130_000);
    call(okOutcome);
    call(failure('server'));
    expect(b.snapshot().calls).toBe(2);
    expect(b.state).toBe('closed');
  });

  it('force open is a kill switch with no probes until an operator reset', async () => {
    const { clock, b, log } = setup();
    b.forceOpen();
    expect(log.at(-1)).toMatchObject({ to: 'open', tripCause: 'forced', forced: true });
    await clock.advance(10 * 60_000);
    expect(b.permit()).toBeNull();
    expect(b.snapshot()).toMatchObject({ state: 'open', forced: true, halfOpenAt: null });
    b.reset();
    expect(log.at(-1)).toMatchObject({ from: 'open', to: 'closed', forced: true, cause: 'reset by operator' });
    expect(b.permit()).not.toBeNull();
  });

  it('a stale probe result from before a reset does not move the breaker', async () => {
    const { clock, b, call } = setup({ ...params, minCalls: 1 });
    call(failure('server'));
    await clock.advance(60_000);
    const probe = b.permit();
    b.reset();
    b.record(probe as NonNullable<typeof probe>, failure('server'));
    expect(b.state).toBe('closed');
  });
});
