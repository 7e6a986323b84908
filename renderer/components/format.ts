// Number, time and state formatting shared by the screens.
import type { BreakerState } from '../../shared/telemetry';

const int = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

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

export const fmtClock = (epochMs: number) => new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
export const fmtDateTime = (epochMs: number) => new Date(epochMs).toLocaleString('en-GB', { hour12: false });

export const BREAKER_LABEL: Record<BreakerState, string> = { closed: 'CLOSED', open: 'OPEN', half_open: 'HALF-OPEN' };

export const PROVIDER_LABEL: Record<string, string> = { gemini: 'Gemini', groq: 'Groq', heuristic: 'Heuristic', cache: 'Cache', none: '—' };
