// The telemetry history the main process replays to a client on connect: what it keeps, and its two bounds.
import { describe, expect, it } from 'vitest';
import { TelemetryHistoryBuffer } from '../../../electron/app/telemetry-history';
import type { AuditEntry } from '../../../shared/api';
import type { ProviderSnapshot, Snapshot } from '../../../shared/telemetry';

const provider = (id: 'gemini' | 'groq', rpm: number) =>
  ({ provider: id, rpm, rpmLimit: 135, tpm: rpm * 100, tpmLimit: 1_800_000 }) as ProviderSnapshot;
const snapshot = (at: number): Snapshot => ({ at, providers: [provider('gemini', at / 1000), provider('groq', 1)], batch: null });
const audit = (at: number, actor: string): AuditEntry => ({
  id: at,
  at,
  actor,
  action: 'force open breaker',
  target: 'gemini',
  before: null,
  after: 'open',
  reason: null,
});

describe('telemetry history', () => {
  it('keeps rate points per provider, 429s, breaker transitions and operator actions, not other events', () => {
    const h = new TelemetryHistoryBuffer({ windowMs: 60_000, maxEntries: 100 });
    h.record('snapshot', snapshot(1_000));
    h.record('snapshot', snapshot(2_000));
    h.record('http429', { type: 'http_429', at: 1_500, provider: 'gemini', model: 'm', daily: false });
    h.record('breaker', { type: 'breaker_transition', at: 1_600, provider: 'gemini', from: 'closed', to: 'open', cause: 'forced', forced: true });
    h.record('audit', audit(1_600, 'operator'));
    h.record('audit', audit(1_700, 'engine'));
    h.record('alert', { id: 'a', at: 1_600, kind: 'breaker_open', provider: 'gemini', message: 'x', acknowledgedAt: null, count: 1, firstAt: 1_600 });
    const out = h.read();
    expect(out.series.map((s) => [s.provider, s.points.map((p) => p.rpm)])).toEqual([
      ['gemini', [1, 2]],
      ['groq', [1, 1]],
    ]);
    expect(out.http429.map((m) => m.at)).toEqual([1_500]);
    expect(out.breakers.map((b) => b.to)).toEqual(['open']);
    expect(out.audit.map((a) => a.actor)).toEqual(['operator']);
  });

  it('drops what is older than its window, measured from the latest snapshot', () => {
    const h = new TelemetryHistoryBuffer({ windowMs: 10_000, maxEntries: 1_000 });
    h.record('http429', { type: 'http_429', at: 500, provider: 'gemini', model: 'm', daily: false });
    for (let t = 1_000; t <= 30_000; t += 1_000) h.record('snapshot', snapshot(t));
    const out = h.read();
    expect(out.series[0]?.points.map((p) => p.at)).toEqual(Array.from({ length: 11 }, (_, i) => 20_000 + i * 1_000));
    expect(out.http429).toEqual([]);
  });

  it('keeps at most maxEntries of each list (a 429 storm cannot grow it without limit), the newest', () => {
    const h = new TelemetryHistoryBuffer({ windowMs: 60 * 60_000, maxEntries: 50 });
    h.record('snapshot', snapshot(10_000));
    for (let i = 0; i < 5_000; i++) h.record('http429', { type: 'http_429', at: 10_000 + i, provider: 'groq', model: 'm', daily: false });
    const out = h.read();
    expect(out.http429).toHaveLength(50);
    expect(out.http429[0]?.at).toBe(14_950);
    expect(out.http429.at(-1)?.at).toBe(14_999);
  });
});
