import { describe, expect, it } from 'vitest';
import type { RuleResult } from '../../../shared/domain';
import type { CallKind } from '../../../shared/provider';
import { DEFAULT_RULES } from '../../../shared/rules';
import { judge } from '../../../electron/validation/rule-result';
import { rulesTable } from '../../../electron/validation/rules-table';
import {
  NO_RULES_TO_DECIDE,
  NOT_EVALUATED_CANNOT_REACH,
  NOT_EVALUATED_DECIDED,
  prescore,
  reachablePoints,
} from '../../../electron/validation/prescoring';

/** Deterministic results with the given earned set; everything else failed. */
function deterministic(pass: string[]): RuleResult[] {
  return DEFAULT_RULES.filter((d) => d.call === null).map((d) => judge(d, pass.includes(d.id) ? 'pass' : 'fail', 'x'));
}
const ALL: CallKind[] = ['theme', 'pdf', 'image'];
const base = { rules: DEFAULT_RULES, threshold: 60, mode: 'full' as const, reopen: false, pending: ALL };

describe('pre-scoring', () => {
  it('LLM rules can reach 49 points with the defaults', () => {
    expect(reachablePoints(DEFAULT_RULES, [], ALL)).toBe(10 + 25 + 14);
  });

  it.each([
    // deterministic passes, mode, expected
    [[], 'full', 'rejected'], // 0 + 49 < 60
    [[], 'minimal', 'rejected'],
    [['level_duration'], 'full', 'call'], // 11 + 49 = 60: exactly reachable
    [['duplicate_photo'], 'full', 'call'], // 15 + 49 = 64
    [['participants'], 'full', 'call'], // 12 + 49 = 61
    [['level_duration', 'participants', 'duplicate_photo'], 'full', 'call'], // 38
    [['level_duration', 'participants', 'duplicate_photo'], 'minimal', 'call'], // 38 < 60: calls still matter
  ] as const)('%j in %s mode → %s', (pass, mode, expected) => {
    const d = prescore({ ...base, mode, known: deterministic([...pass]) });
    if (expected === 'rejected') {
      expect(d).toEqual({ calls: [], skip: ALL.map((kind) => ({ kind, reason: NOT_EVALUATED_CANNOT_REACH })), rejected: true });
    } else {
      expect(d).toEqual({ calls: ALL, skip: [], rejected: false });
    }
  });

  it('counts undetermined points as still reachable', () => {
    const known = [...deterministic([]), judge(DEFAULT_RULES[0]!, 'undetermined', 'x')];
    // 0 earned + 10 undetermined + 39 still reachable (pdf, image) = 49 < 60 → rejected
    expect(prescore({ ...base, known, pending: ['pdf', 'image'] }).rejected).toBe(true);
    const more = deterministic(['participants']);
    expect(prescore({ ...base, known: [...more, judge(DEFAULT_RULES[0]!, 'undetermined', 'x')], pending: ['pdf', 'image'] }).rejected).toBe(false);
  });

  it('minimal mode skips the rest once the score already reaches the threshold; full mode does not', () => {
    const known = [
      ...deterministic(['level_duration', 'participants', 'duplicate_photo']),
      ...DEFAULT_RULES.filter((d) => d.call === 'pdf').map((d) => judge(d, 'pass', 'y')),
    ];
    // 38 + 25 = 63 ≥ 60
    expect(prescore({ ...base, mode: 'minimal', known, pending: ['theme', 'image'] })).toEqual({
      calls: [],
      skip: [
        { kind: 'theme', reason: NOT_EVALUATED_DECIDED },
        { kind: 'image', reason: NOT_EVALUATED_DECIDED },
      ],
      rejected: false,
    });
    expect(prescore({ ...base, mode: 'full', known, pending: ['theme', 'image'] }).calls).toEqual(['theme', 'image']);
  });

  it('a Reopen is never pre-rejected; minimal mode skips its calls, full mode makes them', () => {
    expect(prescore({ ...base, reopen: true, known: deterministic([]) })).toMatchObject({ calls: ALL, rejected: false });
    expect(prescore({ ...base, reopen: true, mode: 'minimal', known: deterministic([]) })).toMatchObject({ calls: [], rejected: false });
  });

  it('skips a call none of whose rules is enabled, in either mode', () => {
    const rules = rulesTable({
      banner: { enabled: false },
      real_event: { enabled: false },
      mode_matches: { enabled: false },
      participants_visible: { enabled: false },
    });
    const d = prescore({ ...base, rules, known: deterministic(['level_duration', 'participants', 'duplicate_photo']) });
    expect(d).toEqual({ calls: ['theme', 'pdf'], skip: [{ kind: 'image', reason: NO_RULES_TO_DECIDE }], rejected: false });
  });

  it('a threshold change moves the decision', () => {
    const known = deterministic([]);
    expect(prescore({ ...base, known, threshold: 49 }).rejected).toBe(false);
    expect(prescore({ ...base, known, threshold: 50 }).rejected).toBe(true);
  });
});
