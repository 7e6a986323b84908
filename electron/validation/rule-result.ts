// One rule's verdict as a RuleResult: full points on pass, none otherwise; a disabled rule is never judged.
import type { RuleDefinition, RuleResult, Verdict } from '../../shared/domain';
import type { VerdictSource } from '../../shared/provider';

export function judge(def: RuleDefinition, verdict: Verdict, reason: string, source: VerdictSource | 'rule' = 'rule'): RuleResult {
  const v: Verdict = def.enabled ? verdict : 'disabled';
  return {
    ruleId: def.id,
    category: def.category,
    name: def.name,
    points: def.points,
    earned: v === 'pass' ? def.points : 0,
    verdict: v,
    reason: def.enabled ? reason : 'rule disabled',
    source: def.enabled ? source : 'rule',
  };
}
