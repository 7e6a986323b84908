// Number, time and state formatting shared by the screens.
import type { BreakerState } from '../../shared/telemetry';

const int = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const fmtInt = (n: number) => int.format(n);
export const fmtNum = (n: number) => one.format(n);
export const fmtPct = (fraction: number) => `${one.format(fraction * 100)}%`;

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m / 60}h`;
}

// Dates and times in the operator's own locale (the browser's; `undefined` asks Intl for it), the month spelled out
// so "1 December" is never read as 12 January; 24-hour clocks, so a time needs no AM/PM (docs/console.md §11).
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const shortClock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const date = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

export const fmtClock = (epochMs: number) => clock.format(epochMs);
/** "14:05": chart ticks, where seconds would crowd the axis. */
export const fmtShortClock = (epochMs: number) => shortClock.format(epochMs);
export const fmtDateTime = (epochMs: number) => dateTime.format(epochMs);
export const fmtDate = (epochMs: number) => date.format(epochMs);

export const BREAKER_LABEL: Record<BreakerState, string> = { closed: 'CLOSED', open: 'OPEN', half_open: 'HALF-OPEN' };

export const PROVIDER_LABEL: Record<string, string> = {
  gemini: 'Gemini',
  groq: 'Groq',
  heuristic: 'Heuristic',
  cache: 'Cache',
  rule: 'Rule',
  none: '—',
};

/**
 * Who judged the rules, every source named: a submission whose theme Groq judged and whose PDF rules fell to the
 * heuristic reads "Groq, Heuristic", never just "Groq" (docs/console.md §10).
 */
export function fmtJudgedBy(rules: readonly { source: string }[]): string {
  const sources = [...new Set(rules.map((r) => r.source).filter((s) => s !== 'rule'))];
  return sources.length ? sources.map((s) => PROVIDER_LABEL[s] ?? s).join(', ') : 'the deterministic rules only';
}
