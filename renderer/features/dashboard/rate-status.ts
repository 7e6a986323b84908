// Why a provider's per-minute limits are below the configured ones, in words (docs/console.md §15): the AIMD cut with
// its cause and its recovery, the limits a 429's body named, the limits the provider's headers report; and what
// "Reset breaker" and "Restore configured rate" change. Pure: tests call it with a snapshot.
import type { ProviderSnapshot } from '../../../shared/telemetry';
import { PROVIDER_LABEL, fmtClock, fmtInt } from '../../components/format';

const pct = (f: number) => `${Math.round(f * 100)} %`;
const nameOf = (p: ProviderSnapshot) => PROVIDER_LABEL[p.provider] ?? p.provider;
const at = (t: number | null) => (t === null ? '' : ` at ${fmtClock(t)}`);

/** Whether the per-minute limits are learned (cut or capped), so Restore configured rate has something to do. */
export function rateIsLearned(p: ProviderSnapshot): boolean {
  return p.rate.factor < 1 || p.rate.rpmCap !== null || p.rate.tpmCap !== null;
}

/** The card's short form: "configured", "cut to 34 %", "capped by Gemini". */
export function rateSummary(p: ProviderSnapshot): string {
  if (p.rate.factor < 1) return `cut to ${pct(p.rate.factor)}`;
  return rateIsLearned(p) ? `capped by ${nameOf(p)}` : 'configured';
}

/** What the state a dialog opened for is bound to: any change of the learned rate. */
export function rateKey(p: ProviderSnapshot): string {
  return `${p.rate.factor}:${p.rate.rpmCap}:${p.rate.tpmCap}`;
}

function cutNote(p: ProviderSnapshot): string {
  const r = p.rate;
  const rpm = r.configuredRpm * r.factor;
  const cause = r.cutCause ? ` after ${r.cutCause}${at(r.cutAt)}` : '';
  // Each step needs cleanCallsToIncrease clean calls: at the current traffic that many steps come in a minute.
  const perMinute = (p.rpm / r.cleanCallsToIncrease) * r.increaseStep * r.configuredRpm;
  const pace = p.rpm > 0 ? `, about +${fmtInt(Math.max(1, perMinute))} RPM a minute at the current traffic` : ', once calls succeed again';
  return (
    `Rate cut to ${pct(r.factor)} of the configured limit (RPM ${fmtInt(rpm)} of ${fmtInt(r.configuredRpm)} per model)${cause}; ` +
    `recovering +${pct(r.increaseStep)} per ${fmtInt(r.cleanCallsToIncrease)} clean calls (${fmtInt(r.cleanCalls)} so far${pace})`
  );
}

/** The lines under the card's facts; none while the limits are the configured ones. */
export function rateNotes(p: ProviderSnapshot): string[] {
  const r = p.rate;
  const notes: string[] = [];
  if (r.factor < 1) notes.push(cutNote(p));
  const applied = p.models[0];
  const caps = [
    ['RPM', r.rpmCap, applied?.rpmLimit],
    ['TPM', r.tpmCap, applied?.tpmLimit],
  ] as const;
  for (const [dim, cap, limit] of caps) {
    if (cap === null) continue;
    const now = limit === undefined ? '' : `; the limiter applies ${fmtInt(limit)} per model`;
    notes.push(`${dim} limit learned from ${nameOf(p)}'s 429 body${at(r.capsAt)}: ${fmtInt(cap)} a minute${now}`);
  }
  for (const x of r.reported) {
    notes.push(
      `${nameOf(p)}'s headers report ${x.dimension} limit ${fmtInt(x.limit)} for ${x.model} (configured ${fmtInt(x.configured)}): ` +
        `what is left follows the server's count`,
    );
  }
  return notes;
}

/** The Reset dialog's promise, exactly: the breaker, not the limits. */
export function resetSays(p: ProviderSnapshot): string[] {
  const name = nameOf(p);
  const limits = rateIsLearned(p)
    ? `It does not change the limits: the rate stays ${rateSummary(p)} (RPM ${fmtInt(p.models[0]?.rpmLimit ?? 0)} of ` +
      `${fmtInt(p.rate.configuredRpm)} per model); Restore configured rate does that.`
    : 'It does not change the limits (they are the configured ones now), a pause, or the quota already used.';
  return [`The breaker closes and its error window is cleared, so calls go to ${name} again.`, limits];
}

/** The Restore dialog's words: what changes from what to what, what is dropped, what stays. */
export function restoreSays(p: ProviderSnapshot): string[] {
  const r = p.rate;
  const m = p.models[0];
  const lines = [
    `RPM ${fmtInt(m?.rpmLimit ?? 0)} → ${fmtInt(r.configuredRpm)} and TPM ${fmtInt(m?.tpmLimit ?? 0)} → ${fmtInt(r.configuredTpm)} per model ` +
      `(the configured limits × the safety factor).`,
  ];
  const dropped: string[] = [];
  if (r.factor < 1) dropped.push(`the cut to ${pct(r.factor)}${r.cutCause ? ` after ${r.cutCause}${at(r.cutAt)}` : ''}`);
  if (r.rpmCap !== null) dropped.push(`the RPM limit ${fmtInt(r.rpmCap)} a 429 named`);
  if (r.tpmCap !== null) dropped.push(`the TPM limit ${fmtInt(r.tpmCap)} a 429 named`);
  if (dropped.length) lines.push(`Dropped: ${dropped.join('; ')}.`);
  lines.push(
    'Unchanged: the breaker, any pause, and the quota already used this minute and today. With a shared quota (REDIS_URL), every ' +
      'instance on this key restores too. If the provider still answers 429, the rate is cut again.',
  );
  return lines;
}
