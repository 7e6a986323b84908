// Go-style durations, the format of Groq's x-ratelimit-reset-* headers and "try again in" hints
// (`2m59.56s`, `566ms`, `1h2m3s`, `1.984999999s`). Gemini's protobuf Durations (`41s`, `41.754757778s`) parse too.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|ns|h|m|s)/y;

/** A Go duration inside prose ("Please try again in 1m23.5s."), for building regexes. */
export const GO_DURATION_PATTERN = '(?:(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:ms|us|µs|ns|h|m|s))+';

/** Milliseconds in a Go duration, or null when the text is not one. */
export function parseGoDuration(text: string): number | null {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return null;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return total;
}

/** Format like Go's Duration.String(), seconds to at most 3 decimals: 566ms, 7.66s, 2m59.56s, 1h2m3s. */
export function formatGoDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 1_000) return `${trim(ms, 0)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1_000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trim(s, 3)}s`;
}

function trim(v: number, decimals: number): string {
  return String(Number(v.toFixed(decimals)));
}
