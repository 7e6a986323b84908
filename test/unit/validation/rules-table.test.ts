import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, maxScore } from '../../../shared/rules';
import { mergeRulesPatch, parseRulesPatch, RulesError, rulesTable } from '../../../electron/validation/rules-table';

describe('rules table', () => {
  it('defaults to DOMAIN §4: 100 nominal, 87 with the two disabled rules', () => {
    const t = rulesTable();
    expect(t).toEqual(DEFAULT_RULES);
    expect(t.reduce((s, r) => s + r.points, 0)).toBe(100);
    expect(maxScore(t)).toBe(87);
  });

  it('applies edits of points, enable flags and thresholds', () => {
    const t = rulesTable({ geotag: { enabled: true, points: 8 }, participants: { threshold: 20 } });
    expect(t.find((r) => r.id === 'geotag')).toMatchObject({ enabled: true, points: 8 });
    expect(t.find((r) => r.id === 'participants')?.threshold).toBe(20);
    expect(maxScore(t)).toBe(87 + 8);
  });

  it.each([
    [{ nope: { points: 1 } }, 'rule nope: unknown rule'],
    [{ geotag: { points: -1 } }, 'rule geotag: points:'],
    [{ geotag: { points: 'x' } }, 'rule geotag: points:'],
    [{ geotag: { colour: 'red' } }, 'rule geotag: colour: unknown field'],
    [{ geotag: { threshold: 3 } }, 'rule geotag: threshold: this rule has no threshold'],
    [{ participants: { threshold: -5 } }, 'rule participants: threshold:'],
    [[], 'expected an object of rule edits'],
    [null, 'expected an object of rule edits'],
  ])('refuses %j with a clear error', (patch, message) => {
    expect(() => parseRulesPatch(patch)).toThrow(RulesError);
    expect(() => parseRulesPatch(patch)).toThrow(message);
  });

  it('merges later edits field by field', () => {
    const merged = mergeRulesPatch({ geotag: { enabled: true, points: 8 } }, { geotag: { points: 9 } });
    expect(merged).toEqual({ geotag: { enabled: true, points: 9 } });
  });
});
