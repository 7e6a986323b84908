// The alert tray folds repeats into the open alert and counts them; acknowledge-all clears every open alert.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api';
import { AlertTray } from '../../../electron/app/alerts';
import { VirtualClock } from '../../../electron/engine/clock';

const opened = (at: number) =>
  ({ type: 'breaker_transition', at, provider: 'gemini', from: 'closed', to: 'open', cause: '5xx', forced: false }) as const;

describe('alert tray', () => {
  it('counts a repeat of an unacknowledged alert instead of replacing it silently', async () => {
    const clock = new VirtualClock();
    const published: Alert[] = [];
    const tray = new AlertTray(clock, (a) => published.push({ ...a }));
    const start = clock.now();
    tray.onEvent(opened(start));
    await clock.advance(60_000);
    tray.onEvent(opened(clock.now()));
    tray.onEvent(opened(clock.now()));
    const [only, ...rest] = tray.list(false);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ kind: 'breaker_open', count: 3, firstAt: start, at: start + 60_000 });
    expect(published.map((a) => a.count)).toEqual([1, 2, 3]);

    tray.ack(only!.id);
    tray.onEvent(opened(clock.now())); // after acknowledging, a repeat is a new alert
    expect(tray.list(false)).toEqual([expect.objectContaining({ count: 1, id: expect.not.stringMatching(only!.id) })]);
  });

  it('acknowledges every open alert at once and answers them', () => {
    const clock = new VirtualClock();
    const tray = new AlertTray(clock, () => undefined);
    tray.onEvent(opened(clock.now()));
    tray.onEvent({ type: 'budget_spent', at: clock.now(), submissionId: 's1', used: 4, budget: 4 });
    const acked = tray.ackAll();
    expect(acked.map((a) => a.kind).sort()).toEqual(['breaker_open', 'budget_exhausted']);
    expect(acked.every((a) => a.acknowledgedAt === clock.now())).toBe(true);
    expect(tray.list(false)).toEqual([]);
    expect(tray.ackAll()).toEqual([]);
  });
});
