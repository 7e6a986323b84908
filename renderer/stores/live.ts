// The live store: snapshots, chart series, 429 markers, annotations, batch progress and alerts, fed by the Api's
// events through one coalescer, so React sees at most one update per frame. DOM-free: tests run it in node.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Alert, EventName, EventPayload, ValidatorApi } from '../../shared/api';
import { EVENT_NAMES } from '../../shared/api';
import type { ProviderId } from '../../shared/provider';
import type { BatchSnapshot, Snapshot } from '../../shared/telemetry';
import { createCoalescer, type Scheduler } from './frame';

/** Charts show this fixed window, ending at the latest snapshot. */
export const CHART_WINDOW_MS = 5 * 60_000;
/** No snapshot for this long means the stream stalled: the dashboard greys out. */
export const STALL_MS = 3_000;

export type LiveEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export interface RatePoint {
  at: number;
  rpm: number;
  rpmLimit: number;
  tpm: number;
  tpmLimit: number;
}

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
      case 'breaker': {
        const b = e.payload;
        const label = `breaker ${b.to.replace('_', '-')}${b.forced ? ' (forced)' : ''}`;
        patch({ annotations: [...next.annotations, { at: b.at, provider: b.provider, label }] });
        break;
      }
      case 'audit': {
        const a = e.payload;
        patch({ auditVersion: next.auditVersion + 1 });
        if (a.actor === 'operator') {
          const provider = a.target === 'gemini' || a.target === 'groq' ? a.target : null;
          patch({ annotations: [...next.annotations, { at: a.at, provider, label: a.action.replace(/_/g, ' ') }] });
        }
        break;
      }
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
      api.getSnapshot({}).then((s) => coalescer.push({ event: 'snapshot', payload: s }), () => undefined);
      api.listAlerts({ includeAcknowledged: false }).then(live.setAlerts, () => undefined);
      return () => offs.forEach((off) => off());
    },
  };
  return live;
}
