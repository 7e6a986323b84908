// N instances' provider state over one fleet (local or Redis stores), for the shared-rate tests.
import type { Clock } from '../../electron/engine/clock';
import { ProviderState } from '../../electron/engine/provider-state';
import { seededRng } from '../../electron/engine/rng';
import type { SharedProvider } from '../../electron/engine/shared/shared-provider';
import { DEFAULT_CONFIG } from '../../shared/config';
import type { CallFailure } from '../../shared/provider';

export const geminiConfig = DEFAULT_CONFIG.providers.gemini;

export function rateFleet(n: number, shared: (i: number) => SharedProvider, clock: Clock): ProviderState[] {
  return Array.from(
    { length: n },
    (_, i) => new ProviderState('gemini', geminiConfig, clock, seededRng(i + 1), () => undefined, false, undefined, undefined, shared(i)),
  );
}

/** A 429 that names neither remaining quota nor a limit: the AIMD decrease's case. `latencyMs` back from now. */
export function unexplained429(latencyMs: number, limitRequests?: number): CallFailure {
  return {
    ok: false,
    provider: 'gemini',
    model: geminiConfig.textModel,
    kind: 'rate_limit',
    status: 429,
    message: 'quota',
    latencyMs,
    ...(limitRequests === undefined ? {} : { quota: { limitRequests } }),
  };
}

/** The RPM limit each instance's limiter applies now. */
export function rpmLimits(states: ProviderState[]): number[] {
  return states.map((s) => s.limiter(geminiConfig.textModel).dims.find((d) => d.name === 'RPM')?.limit ?? -1);
}

export function stopAll(states: ProviderState[]): void {
  for (const s of states) {
    s.rateSync?.stop();
    s.breakerSync?.stop();
  }
}
