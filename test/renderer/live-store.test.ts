// The live store: a frame's worth of events becomes one store update; selectors stay narrow and stable.
import { describe, expect, it } from 'vitest';
import type { Alert, EventName, EventPayload, ValidatorApi } from '../../shared/api';
import type { ProviderSnapshot, Snapshot } from '../../shared/telemetry';
import { createCoalescer } from '../../renderer/stores/frame';
import { CHART_WINDOW_MS, createLiveStore, type LiveEvent } from '../../renderer/stores/live';
import { LABEL_GAP_MS, labelClusters } from '../../renderer/features/dashboard/annotations';
import { selectAlertCount, selectProvider, selectProviderIds, selectSeries, staleness } from '../../renderer/stores/selectors';
import { providerSnapshot } from '../helpers/provider-snapshot';

/** A scheduler driven by hand: frames run only when the test says so. */
function manualFrames() {
  const queued: Array<() => void> = [];
  return {
    schedule: (fn: () => void) => void queued.push(fn),
    runFrame: () => queued.splice(0).forEach((fn) => fn()),
    get pending() {
      return queued.length;
    },
  };
}

const provider = (id: 'gemini' | 'groq', rpm: number): ProviderSnapshot =>
  providerSnapshot(id, { rpm, tpm: rpm * 1000, hasKey: false, simulated: true });

const snap = (at: number, rpm = 10): LiveEvent => ({
  event: 'snapshot',
  payload: { at, providers: [provider('gemini', rpm), provider('groq', 1)], batch: null } satisfies Snapshot,
});
const alert = (id: string, at: number, acknowledgedAt: number | null = null): Alert => ({
  id,
  at,
  kind: 'breaker_open',
  provider: 'gemini',
  message: 'Gemini breaker opened',
  acknowledgedAt,
  count: 1,
  firstAt: at,
});

describe('coalescer', () => {
  it('applies N items pushed in one frame as one batch, in order', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const c = createCoalescer<number>((items) => batches.push(items), frames.schedule);
    for (let i = 0; i < 500; i++) c.push(i);
    expect(frames.pending).toBe(1);
    frames.runFrame();
    c.push(500);
    frames.runFrame();
    expect(batches.map((b) => b.length)).toEqual([500, 1]);
    expect(batches[0]?.[499]).toBe(499);
  });
});

describe('live store', () => {
  it('turns a burst of events in one frame into exactly one store update', () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 1_000);
    let updates = 0;
    live.store.subscribe(() => updates++);
    for (let i = 0; i < 200; i++) {
      live.push({
        event: 'submission',
        payload: {
          runId: 'r',
          submissionId: String(i),
          row: i + 1,
          title: null,
          score: 50,
          status: 'Review',
          failedRules: [],
          reopenReason: null,
          provider: 'gemini',
          callsUsed: 3,
          simulated: true,
        },
      });
    }
    live.push(snap(10_000));
    live.push({ event: 'http429', payload: { type: 'http_429', at: 9_500, provider: 'gemini', model: 'm', daily: false } });
    expect(updates).toBe(0);
    frames.runFrame();
    expect(updates).toBe(1);
    const s = live.store.getState();
    expect(s.resultsVersion).toBe(200);
    expect(s.markers).toEqual([{ at: 9_500, provider: 'gemini' }]);
    expect(s.receivedAt).toBe(1_000);
  });

  it('keeps a fixed chart window of points per provider', () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 0);
    for (let t = 0; t <= CHART_WINDOW_MS + 60_000; t += 1_000) live.push(snap(t, t / 1000));
    frames.runFrame();
    const points = selectSeries('gemini')(live.store.getState());
    expect(points[0]?.at).toBe(60_000);
    expect(points.at(-1)?.at).toBe(CHART_WINDOW_MS + 60_000);
    expect(points).toHaveLength(CHART_WINDOW_MS / 1000 + 1);
  });

  it('keeps selector results stable when their slice did not change', () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 0);
    live.push(snap(1_000));
    frames.runFrame();
    const ids = selectProviderIds(live.store.getState());
    expect(ids).toEqual(['gemini', 'groq']);
    live.push(snap(2_000, 20));
    frames.runFrame();
    const s = live.store.getState();
    expect(selectProviderIds(s)).toBe(ids); // same array: the card list doesn't re-render
    expect(selectProvider('gemini')(s)?.rpm).toBe(20);
  });

  it('keeps alerts until they are acknowledged', () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 0);
    live.push({ event: 'alert', payload: alert('a1', 1) });
    live.push({ event: 'alert', payload: alert('a2', 2) });
    frames.runFrame();
    expect(live.store.getState().alerts.map((a) => a.id)).toEqual(['a2', 'a1']);
    live.push({ event: 'alert', payload: alert('a1', 1, 5) });
    frames.runFrame();
    expect(selectAlertCount(live.store.getState())).toBe(1);
  });

  it('records breaker transitions and operator actions as chart annotations', () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 0);
    live.push({
      event: 'breaker',
      payload: {
        type: 'breaker_transition',
        at: 5,
        provider: 'gemini',
        from: 'closed',
        to: 'open',
        cause: '429 storm',
        tripCause: '429',
        forced: false,
      },
    });
    live.push({
      event: 'audit',
      payload: { id: 1, at: 6, actor: 'operator', action: 'breaker_reset', target: 'gemini', before: 'open', after: 'closed', reason: null },
    });
    live.push({
      event: 'audit',
      payload: { id: 2, at: 7, actor: 'engine', action: 'breaker_transition', target: 'gemini', before: null, after: null, reason: null },
    });
    frames.runFrame();
    expect(live.store.getState().auditVersion).toBe(2);
    expect(live.store.getState().annotations).toEqual([
      { at: 5, provider: 'gemini', label: 'breaker open' },
      { at: 6, provider: 'gemini', label: 'breaker reset' },
    ]);
  });

  it('subscribes to every event of the Api and loads the current snapshot and alerts', async () => {
    const frames = manualFrames();
    const live = createLiveStore(frames.schedule, () => 0);
    const handlers = new Map<string, (p: unknown) => void>();
    const api = {
      getSnapshot: async () => (snap(42) as { payload: Snapshot }).payload,
      getTelemetryHistory: async () => ({
        windowMs: 1_800_000,
        series: [{ provider: 'gemini', points: [{ at: 30, rpm: 3, rpmLimit: 135, tpm: 300, tpmLimit: 1_800_000 }] }],
        http429: [{ type: 'http_429', at: 31, provider: 'gemini', model: 'm', daily: false }],
        breakers: [
          { type: 'breaker_transition', at: 32, provider: 'gemini', from: 'closed', to: 'open', cause: 'forced', tripCause: 'forced', forced: true },
        ],
        audit: [{ id: 1, at: 32, actor: 'operator', action: 'force open breaker', target: 'gemini', before: null, after: 'open', reason: null }],
      }),
      listAlerts: async () => [alert('old', 1), alert('acked', 2, 3)],
      on: <E extends EventName>(event: E, fn: (p: EventPayload<E>) => void) => {
        handlers.set(event, fn as (p: unknown) => void);
        return () => handlers.delete(event);
      },
    } as unknown as ValidatorApi;
    const off = live.connect(api);
    await Promise.resolve();
    await Promise.resolve();
    frames.runFrame();
    expect(live.store.getState().snapshot?.at).toBe(42);
    expect(live.store.getState().alerts.map((a) => a.id)).toEqual(['old']);
    // The main process's history lies under the live snapshot: the charts start with the past, markers and notes.
    expect(selectSeries('gemini')(live.store.getState()).map((p) => p.at)).toEqual([30, 42]);
    expect(live.store.getState().markers).toEqual([{ at: 31, provider: 'gemini' }]);
    expect(live.store.getState().annotations.map((a) => a.label)).toEqual(['breaker open (forced)', 'force open breaker']);
    expect([...handlers.keys()].sort()).toEqual(['alert', 'audit', 'breaker', 'http429', 'progress', 'snapshot', 'submission']);
    off();
    expect(handlers.size).toBe(0);
  });
});

describe('staleness', () => {
  it('is stalled after 3 s without a snapshot, and before the first one', () => {
    expect(staleness(null, 0)).toEqual({ ageS: null, stalled: true });
    expect(staleness(10_000, 12_900)).toEqual({ ageS: 2, stalled: false });
    expect(staleness(10_000, 13_001)).toEqual({ ageS: 3, stalled: true });
  });
});

describe('chart annotations', () => {
  it('labels one line per cluster of close annotations, with a count of the others', () => {
    const notes = [
      { at: 1_000, label: 'breaker open' },
      { at: 3_000, label: 'breaker closed' },
      { at: 2_000, label: 'breaker reset' },
      { at: 1_000 + LABEL_GAP_MS * 2, label: 'config update' },
    ];
    expect(labelClusters(notes).map((n) => n.shown)).toEqual([null, null, 'breaker closed +2', 'config update']);
  });
});
