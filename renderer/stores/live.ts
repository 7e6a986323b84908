// The live store: snapshots, chart series, 429 markers, annotations, batch progress and alerts, fed by the Api's
// events through one coalescer, so React sees at most one update per frame. DOM-free: tests run it in node.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Alert, AuditEntry, EventName, EventPayload, RatePoint, TelemetryHistory, ValidatorApi } from '../../shared/api';
import { EVENT_NAMES } from '../../shared/api';
import type { ProviderId } from '../../shared/provider';
import type { BatchSnapshot, EngineEvent, Snapshot } from '../../shared/telemetry';
import { createCoalescer, type Scheduler } from './frame';

/**
 * How far back the live store keeps chart points, markers and annotations: the longest range the charts offer
 * ("whole run" reaches back this far; after a reload, as far as the main process's history, docs/console.md §3).
 */
export const CHART_WINDOW_MS = 60 * 60_000;
/** No snapshot for this long means the stream stalled: the dashboard greys out. */
export const STALL_MS = 3_000;

/** An Api event, or the main process's telemetry history replayed on connect. */
export type LiveEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName] | { event: 'history'; payload: TelemetryHistory };
export type { RatePoint };

export interface Annotation {
  at: number;
  provider: ProviderId | null;
  label: string;
}

export interface LiveState {
  snapshot: Snapshot | null;
  /** Local time (ms) the latest snapshot arrived: for "updated Xs ago" and the stall check. */
  receivedAt: number | null;
  /** Replaced only when the set of providers changes, so selecting it never re-renders needlessly. */
  providerIds: ProviderId[];
  series: Partial<Record<ProviderId, RatePoint[]>>;
  markers: Array<{ at: number; provider: ProviderId }>;
  annotations: Annotation[];
  batch: BatchSnapshot | null;
  /** Unacknowledged alerts, newest first. */
  alerts: Alert[];
  /** Bumped when submissions finish, so views of results know to refetch. */
  resultsVersion: number;
  /** Bumped on every new audit line, so the audit view refetches. */
  auditVersion: number;
}

export const initialLiveState: LiveState = {
  snapshot: null,
  receivedAt: null,
  providerIds: [],
  series: {},
  markers: [],
  annotations: [],
  batch: null,
  alerts: [],
  resultsVersion: 0,
  auditVersion: 0,
};

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function upsertAlert(alerts: Alert[], alert: Alert): Alert[] {
  const rest = alerts.filter((a) => a.id !== alert.id);
  return alert.acknowledgedAt === null ? [alert, ...rest].sort((a, b) => b.at - a.at) : rest;
}

type BreakerEvent = Extract<EngineEvent, { type: 'breaker_transition' }>;

const breakerNote = (b: BreakerEvent): Annotation => ({
  at: b.at,
  provider: b.provider,
  label: `breaker ${b.to.replace('_', '-')}${b.forced ? ' (forced)' : ''}`,
});

/** Operator actions become annotations; engine lines are already drawn as breaker transitions. */
function auditNote(a: AuditEntry): Annotation | null {
  if (a.actor !== 'operator') return null;
  const provider = a.target === 'gemini' || a.target === 'groq' ? a.target : null;
  return { at: a.at, provider, label: a.action.replace(/_/g, ' ') };
}

/** Items of `older` not already in `newer` (by key), then `newer`, in time order. */
function mergeByKey<T extends { at: number }>(older: T[], newer: T[], key: (t: T) => string): T[] {
  const seen = new Set(newer.map(key));
  return [...older.filter((t) => !seen.has(key(t))), ...newer].sort((a, b) => a.at - b.at);
}

/** The history replayed on connect goes under whatever live events arrived before it. */
function withHistory(state: LiveState, h: TelemetryHistory): Partial<LiveState> {
  const series: LiveState['series'] = { ...state.series };
  for (const { provider, points } of h.series) {
    const live = state.series[provider] ?? [];
    const firstLive = live[0]?.at ?? Infinity;
    series[provider] = [...points.filter((p) => p.at < firstLive), ...live];
  }
  const notes = [...h.breakers.map(breakerNote), ...h.audit.map(auditNote).filter((n): n is Annotation => n !== null)];
  return {
    series,
    markers: mergeByKey(
      h.http429.map((m) => ({ at: m.at, provider: m.provider })),
      state.markers,
      (m) => `${m.at}:${m.provider}`,
    ),
    annotations: mergeByKey(notes, state.annotations, (n) => `${n.at}:${n.provider}:${n.label}`),
  };
}

/** Fold a frame's worth of events into the state. Pure: the same events give the same state. */
export function reduce(state: LiveState, events: readonly LiveEvent[], now: number): LiveState {
  let next = state;
  const patch = (p: Partial<LiveState>) => (next = { ...next, ...p });
  for (const e of events) {
    switch (e.event) {
      case 'snapshot': {
        const s = e.payload;
        const from = s.at - CHART_WINDOW_MS;
        const series: LiveState['series'] = {};
        for (const p of s.providers) {
          const old = (next.series[p.provider] ?? []).filter((pt) => pt.at >= from && pt.at < s.at);
          series[p.provider] = [...old, { at: s.at, rpm: p.rpm, rpmLimit: p.rpmLimit, tpm: p.tpm, tpmLimit: p.tpmLimit }];
        }
        const ids = s.providers.map((p) => p.provider);
        patch({
          snapshot: s,
          receivedAt: now,
          series,
          providerIds: sameIds(ids, next.providerIds) ? next.providerIds : ids,
          markers: next.markers.filter((m) => m.at >= from),
          annotations: next.annotations.filter((a) => a.at >= from),
          batch: s.batch ?? next.batch,
        });
        break;
      }
      case 'http429':
        patch({ markers: [...next.markers, { at: e.payload.at, provider: e.payload.provider }] });
        break;
      case 'breaker':
        patch({ annotations: [...next.annotations, breakerNote(e.payload)] });
        break;
      case 'audit': {
        const note = auditNote(e.payload);
        patch({ auditVersion: next.auditVersion + 1, ...(note ? { annotations: [...next.annotations, note] } : {}) });
        break;
      }
      case 'history':
        patch(withHistory(next, e.payload));
        break;
      case 'progress':
        patch({ batch: e.payload });
        break;
      case 'submission':
        patch({ resultsVersion: next.resultsVersion + 1 });
        break;
      case 'alert':
        patch({ alerts: upsertAlert(next.alerts, e.payload) });
        break;
    }
  }
  return next;
}

export interface LiveStore {
  store: StoreApi<LiveState>;
  push(event: LiveEvent): void;
  /** Replace the alert list (initial load, after acknowledging). */
  setAlerts(alerts: Alert[]): void;
  /** Subscribe to every Api event and load the current snapshot and alerts; returns the unsubscribe function. */
  connect(api: ValidatorApi): () => void;
}

export function createLiveStore(schedule: Scheduler, now: () => number): LiveStore {
  const store = createStore<LiveState>(() => initialLiveState);
  const coalescer = createCoalescer<LiveEvent>((events) => store.setState(reduce(store.getState(), events, now()), true), schedule);
  const live: LiveStore = {
    store,
    push: (e) => coalescer.push(e),
    setAlerts: (alerts) => store.setState({ alerts: alerts.filter((a) => a.acknowledgedAt === null).sort((a, b) => b.at - a.at) }),
    connect(api) {
      const offs = EVENT_NAMES.map((event) => api.on(event, (payload) => coalescer.push({ event, payload } as LiveEvent)));
      api.getSnapshot({}).then(
        (s) => coalescer.push({ event: 'snapshot', payload: s }),
        () => undefined,
      );
      api.getTelemetryHistory({}).then(
        (h) => coalescer.push({ event: 'history', payload: h }),
        () => undefined,
      );
      api.listAlerts({ includeAcknowledged: false }).then(live.setAlerts, () => undefined);
      return () => offs.forEach((off) => off());
    },
  };
  return live;
}
