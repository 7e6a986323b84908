import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowBarrier } from '../../../electron/batch/row-barrier';

describe('RowBarrier', () => {
  it('lets the first row through and holds a later row until every earlier row is released', async () => {
    const b = new RowBarrier([1, 2, 3]);
    await b.waitForRowsBefore(1);
    let passed = false;
    const p = b.waitForRowsBefore(3).then(() => (passed = true));
    b.release(2);
    await Promise.resolve();
    expect(passed).toBe(false);
    b.release(1);
    await p;
    expect(passed).toBe(true);
  });

  it('treats rows it was not given (finished in an earlier attempt) as released', async () => {
    const b = new RowBarrier([5, 9]);
    await b.waitForRowsBefore(5);
    b.release(5);
    await b.waitForRowsBefore(9);
  });

  it('rejects a waiter on abort and forgets it', async () => {
    const b = new RowBarrier([1, 2]);
    const ac = new AbortController();
    const p = b.waitForRowsBefore(2, ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
  });

  it('in any release order, each waiter resolves exactly when all earlier rows are released', async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([1, 2, 3, 4, 5, 6, 7, 8], { minLength: 8, maxLength: 8 }), async (order) => {
        const b = new RowBarrier(order);
        const released = new Set<number>();
        const seen: boolean[] = [];
        const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((row) =>
          b.waitForRowsBefore(row).then(() => {
            for (let r = 1; r < row; r++) seen.push(released.has(r));
          }),
        );
        for (const row of order) {
          released.add(row);
          b.release(row);
          await new Promise((r) => setImmediate(r)); // let resolved waiters observe the state at this point
        }
        await Promise.all(waits);
        expect(seen.every(Boolean)).toBe(true);
      }),
    );
  });
});
