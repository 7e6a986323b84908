// Event levels and their duration bands (docs/domain.md §3). Bands are inclusive; the gaps between them
// ((4,5), (8,9), (18,19)) and anything below 2 h belong to no level.
import type { RuleDefinition, RuleResult } from '../../shared/domain';
import { judge } from './rule-result';

export interface LevelBand {
  level: number;
  min: number;
  max: number;
}

export const LEVEL_BANDS: readonly LevelBand[] = [
  { level: 1, min: 2, max: 4 },
  { level: 2, min: 5, max: 8 },
  { level: 3, min: 9, max: 18 },
  { level: 4, min: 19, max: Number.POSITIVE_INFINITY },
];

export function bandText(b: LevelBand): string {
  return Number.isFinite(b.max) ? `${b.min}–${b.max} h` : `≥ ${b.min} h`;
}

/** The level whose band holds this duration, or null (gap, too short, not a number). */
export function levelForDuration(hours: number): number | null {
  if (!Number.isFinite(hours)) return null;
  return LEVEL_BANDS.find((b) => hours >= b.min && hours <= b.max)?.level ?? null;
}

/** "Level matches duration": the duration must lie in the declared level's band, or in any band when none is declared. */
export function levelDurationRule(def: RuleDefinition, declaredLevel: number | null, hours: number | null): RuleResult {
  if (hours === null || !Number.isFinite(hours)) return judge(def, 'fail', 'duration missing');
  if (hours <= 0) return judge(def, 'fail', `duration must be positive (got ${hours} h)`);
  const fits = levelForDuration(hours);
  if (declaredLevel === null) {
    if (fits === null) return judge(def, 'fail', `duration ${hours} h fits no level`);
    return judge(def, 'pass', `level auto-determined as ${fits} (duration ${hours} h)`);
  }
  const band = LEVEL_BANDS.find((b) => b.level === declaredLevel);
  if (!band) return judge(def, 'fail', `declared level ${declaredLevel} is not a known level (1–4)`);
  if (fits === declaredLevel) return judge(def, 'pass', `duration ${hours} h fits level ${declaredLevel} (${bandText(band)})`);
  const actual = fits === null ? 'fits no level' : `fits level ${fits}`;
  return judge(def, 'fail', `duration ${hours} h does not fit declared level ${declaredLevel} (${bandText(band)}); it ${actual}`);
}
