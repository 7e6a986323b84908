// The run's progress line in words (docs/console.md §4, §5): the ETA, marked unreliable while a provider recovers or
// calls are parked, and "pausing" while a paused batch still finishes its work in flight. Pure: tests call it.
import type { BatchSnapshot, ProviderSnapshot } from '../../../shared/telemetry';
import { PROVIDER_LABEL, fmtDuration, fmtInt } from '../../components/format';
import { providerStatus } from '../dashboard/provider-status';

const plural = (n: number, one: string) => `${fmtInt(n)} ${one}${n === 1 ? '' : 's'}`;

/** Providers the run is waiting on: set up, but not serving now, probing, or holding parked calls. */
export function recovering(providers: readonly ProviderSnapshot[], now: number): string[] {
  return providers
    .filter((p) => (p.hasKey || p.simulated) && (p.parked > 0 || p.breaker.state !== 'closed' || !providerStatus(p, now).canServe))
    .map((p) => PROVIDER_LABEL[p.provider] ?? p.provider);
}

/** "ETA 2m 56s", "ETA ~28m 52s (unreliable: waiting for Gemini to recover)", or null when there is none to give. */
export function etaText(pass: BatchSnapshot, providers: readonly ProviderSnapshot[], now: number): string | null {
  if (pass.state !== 'running' || pass.etaMs === null) return null;
  const waiting = recovering(providers, now);
  if (waiting.length === 0) return `ETA ${fmtDuration(pass.etaMs)}`;
  return `ETA ~${fmtDuration(pass.etaMs)} (unreliable: waiting for ${waiting.join(' and ')} to recover)`;
}

/** While a paused batch still has submissions in flight: "pausing: finishing 3 submissions in flight (2 calls)". */
export function pausingText(pass: BatchSnapshot): string | null {
  if (pass.state !== 'paused' || pass.submissionsInFlight === 0) return null;
  return `pausing: finishing ${plural(pass.submissionsInFlight, 'submission')} in flight (${plural(pass.callsInFlight, 'call')})`;
}
