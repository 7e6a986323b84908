// Quitting waits for the Api to close (bounded), exactly once.
import { describe, expect, it } from 'vitest';
import { closeWithin, createQuitGate } from '../../../electron/main/quit-gate';

function quitEvent() {
  const e = { prevented: false, preventDefault: () => (e.prevented = true) };
  return e;
}

describe('closeWithin', () => {
  it('reports closed, failed (rejection or throw) and timed out', async () => {
    expect(await closeWithin(async () => undefined, 1000)).toBe('closed');
    expect(await closeWithin(async () => Promise.reject(new Error('flush failed')), 1000)).toBe('failed');
    expect(
      await closeWithin(() => {
        throw new Error('sync');
      }, 1000),
    ).toBe('failed');
    expect(await closeWithin(() => new Promise<void>(() => undefined), 5)).toBe('timed_out');
  });
});

describe('quit gate', () => {
  it('holds the first quit until close() settles, then quits once; later quits pass', async () => {
    let finish: () => void = () => undefined;
    let closes = 0;
    const quits: number[] = [];
    const logs: string[] = [];
    const gate = createQuitGate({
      close: () => {
        closes++;
        return new Promise<void>((r) => (finish = r));
      },
      boundMs: 60_000,
      quit: () => quits.push(closes),
      log: (m) => logs.push(m),
    });
    const first = quitEvent();
    gate(first);
    expect(first.prevented).toBe(true);
    const second = quitEvent();
    gate(second);
    expect(second.prevented).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(closes).toBe(1);
    expect(quits).toEqual([]);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(quits).toEqual([1]);
    expect(logs).toEqual(['shutdown: api close closed']);
    const last = quitEvent();
    gate(last);
    expect(last.prevented).toBe(false);
    expect(closes).toBe(1);
  });

  it('still quits when close() hangs past the bound', async () => {
    const quits: string[] = [];
    const logs: string[] = [];
    const gate = createQuitGate({
      close: () => new Promise<void>(() => undefined),
      boundMs: 5,
      quit: () => quits.push('quit'),
      log: (m) => logs.push(m),
    });
    gate(quitEvent());
    await new Promise((r) => setTimeout(r, 50));
    expect(quits).toEqual(['quit']);
    expect(logs).toEqual(['shutdown: api close timed_out']);
  });
});
