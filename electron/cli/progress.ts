// The CLI's one-line progress view of a snapshot: progress, ETA, RPM per provider, breaker states, calls used.
import type { Snapshot } from '../../shared/telemetry';

function duration(ms: number | null): string {
  if (ms === null) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const STATE: Record<string, string> = { closed: 'ok', open: 'OPEN', half_open: 'half-open' };

export function progressLine(s: Snapshot, width: number): string {
  const b = s.batch;
  const head = b
    ? (() => {
        const pct = b.total > 0 ? b.done / b.total : 1;
        const bar = '#'.repeat(Math.round(pct * 20)).padEnd(20, '-');
        return `[${bar}] ${b.done}/${b.total} ${Math.floor(pct * 100)}% ETA ${duration(b.etaMs)} calls ${b.callsUsed}`;
      })()
    : 'idle';
  const providers = s.providers
    .filter((p) => p.hasKey || p.simulated)
    .map((p) => {
      const extra = p.exhaustedUntil ? ' exhausted' : p.pausedUntil ? ' paused' : '';
      return `${p.provider} ${STATE[p.breaker.state] ?? p.breaker.state}${p.breaker.forced ? '(forced)' : ''} ${Math.round(p.rpm)}/${Math.round(p.rpmLimit)} rpm${extra}`;
    });
  const line = [head, ...providers].join(' | ');
  return line.length > width - 1 ? line.slice(0, Math.max(0, width - 2)) + '…' : line.padEnd(Math.min(width - 1, line.length + 8));
}

export function simulatedBanner(): string {
  const rule = '!'.repeat(78);
  return [
    rule,
    '!! SIMULATED PROVIDERS: no GEMINI_API_KEY or GROQ_API_KEY is set.',
    '!! Every verdict comes from the built-in provider simulator, not a real model.',
    '!! Set a key (env or the app settings) to validate for real.',
    rule,
  ].join('\n');
}
