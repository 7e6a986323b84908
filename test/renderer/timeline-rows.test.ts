// The drawer's timeline rows from stored steps (docs/console.md §16): one row per call kind, the stagger on each, an
// attempt split into its limiter wait (with its cause), slot wait and request, backoffs, fallbacks, parks and stops.
import { describe, expect, it } from 'vitest';
import type { TimelineStep } from '../../shared/domain';
import { timelineRows } from '../../renderer/features/batches/timeline-rows';
import { blankStep } from '../../electron/engine/budget';

const at = (step: TimelineStep['step'], kind: TimelineStep['kind'], from: number, to: number, over: Partial<TimelineStep> = {}): TimelineStep => ({
  ...blankStep(step, kind, kind ? 'gemini' : null, 1, from),
  to,
  ...over,
});

describe('timelineRows', () => {
  const steps: TimelineStep[] = [
    at('stagger', null, 0, 300, { attempt: 0 }),
    at('attempt', 'theme', 300, 2_300, { admittedAt: 800, waitedOn: 'RPM', sentAt: 1_000, outcome: 'server', next: 'retry', backoffMs: 2_000 }),
    at('attempt', 'pdf', 300, 1_300, { admittedAt: 300, sentAt: 300, outcome: 'ok', next: 'ok' }),
    at('attempt', 'theme', 4_300, 5_300, {
      attempt: 2,
      admittedAt: 4_300,
      sentAt: 4_300,
      outcome: 'auth',
      next: 'fallback',
      note: 'gemini misconfigured',
    }),
    at('skip', 'theme', 5_300, 5_300, { attempt: 0, next: 'fallback', provider: 'groq', note: 'groq cannot read this request' }),
    at('park', 'theme', 5_300, 65_300, { attempt: 0, note: 'gemini breaker open' }),
    at('attempt', 'theme', 65_300, 65_300, { admittedAt: null, next: 'stop', note: 'budget exhausted (5 calls)' }),
  ];

  it('one row per call in theme, pdf, image order, each with the stagger and its phases in time order', () => {
    const t = timelineRows(steps);
    expect(t.start).toBe(0);
    expect(t.end).toBe(65_300);
    expect(t.rows.map((r) => r.kind)).toEqual(['theme', 'pdf']);
    expect(t.rows[0]?.spans.map((s) => [s.phase, s.from, s.to])).toEqual([
      ['stagger', 0, 300],
      ['limiter', 300, 800],
      ['slot', 800, 1_000],
      ['call', 1_000, 2_300],
      ['backoff', 2_300, 4_300],
      ['call', 4_300, 5_300],
      ['fallback', 5_300, 5_300],
      ['fallback', 5_300, 5_300],
      ['park', 5_300, 65_300],
      ['limiter', 65_300, 65_300],
      ['stop', 65_300, 65_300],
    ]);
    expect(t.rows[1]?.spans.map((s) => s.phase)).toEqual(['stagger', 'call']);
  });

  it('names the cause of a wait, the answer of a request, and marks failures', () => {
    const theme = timelineRows(steps).rows[0]?.spans ?? [];
    expect(theme[1]).toMatchObject({ detail: 'requests per minute (RPM)', failed: false });
    expect(theme[3]).toMatchObject({ detail: 'attempt 1: server', failed: true });
    expect(theme[5]).toMatchObject({ detail: 'attempt 2: auth', failed: true });
    expect(theme[7]).toMatchObject({ provider: 'groq', detail: 'groq cannot read this request' });
    expect(theme[9]).toMatchObject({ detail: 'not admitted', failed: true });
    expect(theme[10]).toMatchObject({ detail: 'budget exhausted (5 calls)', failed: true });
  });

  it('an admission without a cause draws no limiter wait, even when the clock ticked in between', () => {
    const t = timelineRows([at('attempt', 'image', 0, 1_001, { admittedAt: 1, sentAt: 1, outcome: 'ok', next: 'ok' })]);
    expect(t.rows[0]?.spans.map((s) => [s.phase, s.from, s.to])).toEqual([['call', 1, 1_001]]);
  });

  it('an attempt that went back unsent shows its wait for a slot and why it was not sent', () => {
    const note = 'waited for a slot past its admission’s window: not sent, back through the limiter';
    const t = timelineRows([at('attempt', 'pdf', 0, 61_000, { admittedAt: 0, next: 'retry', note })]);
    expect(t.rows[0]?.spans.map((s) => [s.phase, s.from, s.to, s.detail])).toEqual([
      ['slot', 0, 61_000, 'concurrency slot'],
      ['backoff', 61_000, 61_000, note],
    ]);
  });

  it('no steps, no rows; a single instant still has an axis', () => {
    expect(timelineRows([]).rows).toEqual([]);
    const one = timelineRows([at('skip', 'image', 50, 50, { next: 'fallback' })]);
    expect(one).toMatchObject({ start: 50, end: 51 });
    expect(one.rows[0]?.spans.map((s) => s.phase)).toEqual(['fallback']);
  });
});
