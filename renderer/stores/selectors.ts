// Narrow selectors over the live store: each returns a value that only changes when its part of the state does.
import type { ProviderId } from '../../shared/provider';
import type { ProviderSnapshot } from '../../shared/telemetry';
import { STALL_MS, type LiveState, type RatePoint } from './live';

const NO_POINTS: RatePoint[] = [];

export const selectProviderIds = (s: LiveState) => s.providerIds;
export const selectProvider =
  (id: ProviderId) =>
  (s: LiveState): ProviderSnapshot | undefined =>
    s.snapshot?.providers.find((p) => p.provider === id);
export const selectSeries = (id: ProviderId) => (s: LiveState) => s.series[id] ?? NO_POINTS;
export const selectMarkers = (s: LiveState) => s.markers;
export const selectAnnotations = (s: LiveState) => s.annotations;
export const selectBatch = (s: LiveState) => s.batch;
export const selectAlerts = (s: LiveState) => s.alerts;
export const selectAlertCount = (s: LiveState) => s.alerts.length;
export const selectReceivedAt = (s: LiveState) => s.receivedAt;
export const selectSnapshotAt = (s: LiveState) => s.snapshot?.at ?? null;
export const selectAuditVersion = (s: LiveState) => s.auditVersion;
export const selectResultsVersion = (s: LiveState) => s.resultsVersion;
export const selectSimulated = (s: LiveState) => s.snapshot?.providers.some((p) => p.simulated) ?? false;

/** Seconds since the last snapshot, and whether the stream has stalled, at local time `now`. */
export function staleness(receivedAt: number | null, now: number): { ageS: number | null; stalled: boolean } {
  if (receivedAt === null) return { ageS: null, stalled: true };
  const age = Math.max(0, now - receivedAt);
  return { ageS: Math.floor(age / 1000), stalled: age > STALL_MS };
}
