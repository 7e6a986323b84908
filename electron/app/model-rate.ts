// A provider's per-minute rate as one model's limiter applies it, and its words for the audit log: the before and
// after of "Restore configured rate" (docs/console.md §15).
import type { ModelRate } from '../../shared/api';
import type { ProviderSnapshot } from '../../shared/telemetry';
import { formatCount } from '../engine/limiter/explain';

/** Every model of a provider carries the same factor and caps: its first limiter speaks for all of them. */
export function modelRate(p: ProviderSnapshot): ModelRate {
  const m = p.models[0];
  return { factor: p.rate.factor, rpmLimit: m?.rpmLimit ?? 0, tpmLimit: m?.tpmLimit ?? 0, rpmCap: p.rate.rpmCap, tpmCap: p.rate.tpmCap };
}

/** "RPM 46, TPM 630,000 per model (34 % of the configured rate; RPM limit 60 named by a 429)". */
export function modelRateWords(r: ModelRate): string {
  const why: string[] = [r.factor < 1 ? `${Math.round(r.factor * 100)} % of the configured rate` : 'the configured rate'];
  if (r.rpmCap !== null) why.push(`RPM limit ${formatCount(r.rpmCap)} named by a 429`);
  if (r.tpmCap !== null) why.push(`TPM limit ${formatCount(r.tpmCap)} named by a 429`);
  return `RPM ${formatCount(r.rpmLimit)}, TPM ${formatCount(r.tpmLimit)} per model (${why.join('; ')})`;
}
