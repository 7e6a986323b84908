// The rules decided without an LLM (docs/domain.md §4): level vs duration, participants, year alignment,
// geotag and duplicates. Pure functions of the mapped row and the extractors' facts.
import type { RuleDefinition, RuleResult, Submission } from '../../shared/domain';
import { duplicateRule, type DuplicateMatch } from './duplicates';
import { levelDurationRule } from './levels';
import { judge } from './rule-result';
import { ruleById } from './rules-table';
import { yearAlignmentRule } from './year-alignment';

export const DEFAULT_PARTICIPANT_THRESHOLD = 15;

/** "Participants reported > N": strictly greater than the rule's threshold. */
export function participantsRule(def: RuleDefinition, participants: number, problems: readonly string[] = []): RuleResult {
  const threshold = def.threshold ?? DEFAULT_PARTICIPANT_THRESHOLD;
  const note = problems.length > 0 ? ` (${problems.join(', ')})` : '';
  if (!Number.isFinite(participants)) return judge(def, 'fail', `participant count is not a number${note}`);
  const verdict = participants > threshold ? 'pass' : 'fail';
  const cmp = verdict === 'pass' ? 'more than' : 'not more than';
  return judge(def, verdict, `${participants} participants reported, ${cmp} ${threshold}${note}`);
}

/** "GeoTag present": EXIF GPS coordinates in any usable photo. */
export function geotagRule(def: RuleDefinition, photoHasGps: readonly boolean[]): RuleResult {
  if (photoHasGps.length === 0) return judge(def, 'fail', 'no usable photo');
  const n = photoHasGps.findIndex(Boolean);
  return n >= 0 ? judge(def, 'pass', `photo ${n + 1} has GPS coordinates`) : judge(def, 'fail', 'no photo has GPS coordinates in its EXIF');
}

export interface DeterministicFacts {
  /** One entry per usable photo: whether its EXIF holds GPS coordinates. */
  photoHasGps: readonly boolean[];
  /** Matches from the image index for this submission's photos; null when they were not looked up. */
  duplicates: readonly DuplicateMatch[] | null;
}

/** Problems the mapper reported about the participant columns, quoted in the rule's reason. */
function participantProblems(sub: Submission): string[] {
  return sub.problems.filter((p) => /participant/i.test(p));
}

/** Every deterministic rule of the table, in table order. */
export function evaluateDeterministic(rules: readonly RuleDefinition[], sub: Submission, facts: DeterministicFacts): RuleResult[] {
  const photos = facts.photoHasGps.length;
  return [
    levelDurationRule(ruleById(rules, 'level_duration'), sub.declaredLevel, sub.durationHours),
    participantsRule(ruleById(rules, 'participants'), sub.participants, participantProblems(sub)),
    yearAlignmentRule(ruleById(rules, 'year_alignment'), sub.fromDate, sub.financialYear, sub.academicYear),
    geotagRule(ruleById(rules, 'geotag'), facts.photoHasGps),
    duplicateRule(ruleById(rules, 'duplicate_photo'), facts.duplicates, photos),
  ];
}
