// The concurrency guard bounds calls in flight, resizes live, and aborts without leaking a slot.
import { describe, expect, it } from 'vitest';
import { autoConcurrency, ConcurrencyGuard } from '../../../electron/engine/guard';

describe('ConcurrencyGuard', () => {
  it('holds the limit and hands slots out FIFO', async () => {
    const g = new ConcurrencyGuard(2);
    const r1 = await g.acquire();
    await g.acquire();
    const order: number[] = [];
    const p3 = g.acquire().then((r) => (order.push(3), r));
    const p4 = g.acquire().then((r) => (order.push(4), r));
    expect(g.inFlight).toBe(2);
    expect(g.queued).toBe(2);
    r1();
    r1(); // idempotent: a double release frees one slot only
    await p3;
    expect(order).toEqual([3]);
    expect(g.inFlight).toBe(2);
    expect(g.queued).toBe(1);
    void p4;
  });

  it('hands a slot out synchronously only while one is free and nobody waits', async () => {
    const g = new ConcurrencyGuard(1);
    const release = g.tryAcquire();
    expect(release).not.toBeNull();
    expect(g.tryAcquire()).toBeNull();
    const waiting = g.acquire();
    release?.();
    expect(g.tryAcquire()).toBeNull(); // the freed slot is the waiter's
    const next = await waiting;
    expect(g.inFlight).toBe(1);
    next();
    expect(g.tryAcquire()).not.toBeNull();
  });

  it('an aborted waiter leaves the queue and takes no slot', async () => {
    const g = new ConcurrencyGuard(1);
    const release = await g.acquire();
    const ac = new AbortController();
    const aborted = g.acquire(ac.signal);
    const next = g.acquire();
    ac.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    expect(g.queued).toBe(1);
    release();
    (await next)();
    expect(g.inFlight).toBe(0);
    await expect(g.acquire(ac.signal)).rejects.toThrow('cancelled');
    expect(g.inFlight).toBe(0);
  });

  it('resizes live: growing admits waiters at once, shrinking lets calls in flight finish', async () => {
    const g = new ConcurrencyGuard(1);
    const r1 = await g.acquire();
    const waiting = [g.acquire(), g.acquire(), g.acquire()];
    g.resize(3);
    const [r2, r3] = await Promise.all([waiting[0], waiting[1]]);
    expect(g.inFlight).toBe(3);
    g.resize(1);
    r1();
    r2?.();
    expect(g.inFlight).toBe(1); // still above the new size: nobody is admitted
    expect(g.queued).toBe(1);
    r3?.();
    await waiting[2];
    expect(g.inFlight).toBe(1);
  });

  it("auto size follows Little's law, bounded", () => {
    expect(autoConcurrency(135, 15_000)).toBe(34);
    expect(autoConcurrency(20, 1_000)).toBe(1);
    expect(autoConcurrency(10_000, 60_000)).toBe(128);
  });
});
