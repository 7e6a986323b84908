// What a provider can do right now, in words: the card's sub-line and the "no provider can serve" banner read this
// one function, so they never disagree (docs/console.md §2). Pure: tests call it with a snapshot and a time.
import type { ProviderSnapshot } from '../../../shared/telemetry';
import { PROVIDER_LABEL, fmtClock, fmtDuration } from '../../components/format';

export interface ProviderStatus {
  /** The card's sub-line. */
  text: string;
  /** Short form for the banner ("Gemini forced open"). */
  short: string;
  tone: 'ok' | 'warn' | 'bad';
  /** Whether a call sent now could be answered by this provider. */
  canServe: boolean;
}

const at = (t: number, now: number) => `${fmtClock(t)} (in ${fmtDuration(Math.max(0, t - now))})`;

export function providerStatus(p: ProviderSnapshot, now: number): ProviderStatus {
  const name = PROVIDER_LABEL[p.provider] ?? p.provider;
  const b = p.breaker;
  const down = (text: string, short: string): ProviderStatus => ({ text, short: `${name} ${short}`, tone: 'bad', canServe: false });
  if (!p.hasKey && !p.simulated) return down('Off: no API key is set (Limits & settings → API keys)', 'has no API key');
  if (p.misconfigured) return down(`Misconfigured: ${p.misconfigured}. Fix the key or model, then reset the breaker.`, 'misconfigured');
  if (b.state === 'open' && b.forced) return down('Forced open by an operator: no calls until someone resets it', 'forced open');
  if (p.exhaustedUntil !== null && p.exhaustedUntil > now)
    return down(`Daily quota spent: calls resume at ${at(p.exhaustedUntil, now)}`, 'out of daily quota');
  if (p.pausedUntil !== null && p.pausedUntil > now)
    return down(`Paused until ${at(p.pausedUntil, now)}: new calls wait or fall back`, `paused until ${fmtClock(p.pausedUntil)}`);
  if (b.state === 'open') {
    const probe = b.halfOpenAt === null ? 'no probe scheduled' : `half-open probe in ${fmtDuration(Math.max(0, b.halfOpenAt - now))}`;
    return down(`Open: calls fall back; ${probe}`, 'breaker open');
  }
  if (b.state === 'half_open') return { text: 'Probing: the next call decides', short: `${name} probing`, tone: 'warn', canServe: true };
  const flowing = p.inFlight > 0 || p.rpm > 0;
  return { text: flowing ? 'Traffic flowing' : 'Ready: no traffic now', short: `${name} ready`, tone: 'ok', canServe: true };
}

/** Extra lines under the sub-line: calls parked for recovery, models this key cannot use. */
export function providerNotes(p: ProviderSnapshot): string[] {
  const notes: string[] = [];
  if (p.parked > 0) notes.push(p.parkedReason ?? `${p.parked} calls parked until ${PROVIDER_LABEL[p.provider] ?? p.provider} recovers`);
  for (const m of p.unavailableModels) notes.push(`${m.model} unavailable: ${m.reason}`);
  return notes;
}

/** Null while some provider can serve; else why none can, for the banner. */
export function noProviderCanServe(providers: readonly ProviderSnapshot[], now: number): string[] | null {
  if (providers.length === 0) return null;
  const all = providers.map((p) => providerStatus(p, now));
  return all.some((s) => s.canServe) ? null : all.map((s) => s.short);
}
