// The physical floor of a makespan scenario: admit as fast as the provider's sliding minute allows (a window's worth
// at once, the next window's worth a minute later, ...), then wait for the slowest call of the last admissions. The
// expected makespan of that schedule, with latencies drawn from the scenario's own lognormal model, is the floor; no
// scheduler can beat it on average. docs/engine-runtime.md, "The floor".
const MINUTE = 60_000;

export interface Lognormal {
  medianMs: number;
  sigma: number;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7: far below a millisecond here). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function lognormalCdf(ms: number, l: Lognormal): number {
  return ms <= 0 ? 0 : normalCdf(Math.log(ms / l.medianMs) / l.sigma);
}

/**
 * The floor for a scenario whose quota bound is `boundMs` at `perWindow` admissions per sliding minute: the last two
 * windows' groups (the last one partial) decide it, since every earlier group finishes a minute before the next.
 */
export function physicalFloorMs(boundMs: number, perWindow: number, latency: Lognormal): number {
  const windows = boundMs / MINUTE;
  const whole = Math.floor(windows + 1e-9);
  const lastSize = Math.round((windows - whole) * perWindow);
  const groups: { at: number; size: number }[] = [];
  if (lastSize > 0) groups.push({ at: whole * MINUTE, size: lastSize });
  if (whole > 0) groups.push({ at: (whole - 1) * MINUTE, size: Math.round(perWindow) });
  if (whole > 1) groups.push({ at: (whole - 2) * MINUTE, size: Math.round(perWindow) });
  // E[max] = ∫ P(max > t) dt over the admission times plus latency; 5 ms steps, to far past the tail.
  const from = Math.min(...groups.map((g) => g.at));
  const to = Math.max(...groups.map((g) => g.at)) + latency.medianMs * Math.exp(8 * latency.sigma);
  const step = 5;
  let expected = from;
  for (let t = from; t < to; t += step) {
    let allDone = 1;
    for (const g of groups) allDone *= lognormalCdf(t + step / 2 - g.at, latency) ** g.size;
    expected += (1 - allDone) * step;
  }
  // Outside the steady shape (a cut, an outage, a token bound) the groups are an approximation: never below the bound.
  return Math.max(expected, boundMs);
}

/**
 * The floor for this seed, where the server draws one latency per call in arrival order (steady scenarios): the
 * i-th call cannot start before minute ⌊i / perWindow⌋, so no schedule ends before max over i of that plus its draw.
 * A strict lower bound for the very latencies every contender meets, without the luck of one seed's tail.
 */
export function realizedFloorMs(calls: number, perWindow: number, draw: () => number): number {
  let end = 0;
  for (let i = 0; i < calls; i++) end = Math.max(end, Math.floor(i / perWindow) * MINUTE + draw());
  return end;
}
