// The charts' scales (docs/console.md §3): the time range shown, "nice" tick steps on both axes, a value axis
// scaled to the traffic (a 1.8M TPM limit must not flatten 10k of traffic), and points thinned for drawing.

export const RANGES = [
  { id: '5m', label: '5 min', ms: 5 * 60_000 },
  { id: '30m', label: '30 min', ms: 30 * 60_000 },
  { id: 'run', label: 'Whole run', ms: null },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

/** The visible span: the range (the run so far for "whole run"), divided by the zoom factor (1, 2, 4 …). */
export function visibleSpan(range: RangeId, zoom: number, runStartedAt: number | null, end: number): number {
  const chosen = RANGES.find((r) => r.id === range)?.ms ?? (runStartedAt === null ? 5 * 60_000 : Math.max(60_000, end - runStartedAt));
  return Math.max(30_000, chosen / Math.max(1, zoom));
}

const TIME_STEPS = [5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000];

/** Tick times on whole steps (15 s, 1 min, 5 min …), at most `max` of them, so labels never overlap. */
export function timeTicks(start: number, end: number, max = 6): number[] {
  const span = Math.max(1, end - start);
  const step = TIME_STEPS.find((s) => span / s < max) ?? Math.ceil(span / max / 3_600_000) * 3_600_000;
  const out: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end && out.length < max; t += step) out.push(t);
  return out;
}

/** The smallest 1-2-5 step that splits `max` into at most `count` intervals. */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
}

export interface ValueAxis {
  top: number;
  ticks: number[];
  /** The limit is drawn inside the plot; when false it is far above the traffic and only named in the caption. */
  limitShown: boolean;
}

/**
 * Scale to the limit when the traffic comes within a third of it (so the headroom is visible), else to the traffic
 * with a quarter of room above the peak.
 */
export function valueAxis(peak: number, limit: number): ValueAxis {
  const limitShown = limit > 0 && peak * 3 >= limit;
  const want = limitShown ? Math.max(limit, peak) * 1.1 : Math.max(peak * 1.25, 1);
  const step = niceStep(want);
  const top = Math.ceil(want / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { top, ticks, limitShown };
}

/** At most `max` points, each the peak of its slice of time, so a long range draws quickly and keeps its spikes. */
export function thin<T extends { at: number }>(points: readonly T[], max: number, value: (p: T) => number): T[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += size) {
    const slice = points.slice(i, i + size);
    out.push(slice.reduce((a, b) => (value(b) > value(a) ? b : a)));
  }
  return out;
}
