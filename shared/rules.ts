// The default rules table (docs/domain.md §4). It is data: operators change points, enable flags and thresholds.
import type { RuleDefinition } from './domain';

export const DEFAULT_RULES: readonly RuleDefinition[] = [
  { id: 'theme_alignment', category: 'theme', name: 'Title/Objectives/Learning align to theme', points: 10, enabled: true, call: 'theme' },
  { id: 'level_duration', category: 'theme', name: 'Level matches duration', points: 11, enabled: true, call: null },
  { id: 'participants', category: 'theme', name: 'Participants reported > 15', points: 12, enabled: true, call: null, threshold: 15 },
  { id: 'year_alignment', category: 'theme', name: 'Year alignment (financial vs academic)', points: 7, enabled: false, call: null },
  { id: 'pdf_title', category: 'pdf', name: 'PDF title matches metadata', points: 7, enabled: true, call: 'pdf' },
  { id: 'pdf_expert', category: 'pdf', name: 'Expert details present', points: 7, enabled: true, call: 'pdf' },
  { id: 'pdf_outcomes', category: 'pdf', name: 'Learning outcomes align', points: 3, enabled: true, call: 'pdf' },
  { id: 'pdf_objectives', category: 'pdf', name: 'Objectives match', points: 3, enabled: true, call: 'pdf' },
  { id: 'pdf_participants', category: 'pdf', name: 'Participant info matches', points: 5, enabled: true, call: 'pdf', threshold: 15 },
  { id: 'geotag', category: 'image', name: 'GeoTag present', points: 6, enabled: false, call: null },
  { id: 'banner', category: 'image', name: 'Banner/Poster visible', points: 2, enabled: true, call: 'image' },
  { id: 'real_event', category: 'image', name: 'Event scene is real activity', points: 3, enabled: true, call: 'image' },
  { id: 'mode_matches', category: 'image', name: 'Event mode matches (online/offline)', points: 5, enabled: true, call: 'image' },
  { id: 'participants_visible', category: 'image', name: '15+ participants visible', points: 4, enabled: true, call: 'image', threshold: 15 },
  { id: 'duplicate_photo', category: 'similarity', name: 'Duplicate photo detection', points: 15, enabled: true, call: null },
];

/** Sum of points of the enabled rules (87 with the defaults). */
export function maxScore(rules: readonly RuleDefinition[]): number {
  return rules.filter((r) => r.enabled).reduce((s, r) => s + r.points, 0);
}
