// Pre-scoring (docs/domain.md §5): decide, before (or between) LLM calls, whether the calls can still change
// the outcome. If even every reachable point can't lift the submission to the threshold, it is Rejected
// without calls. In 'minimal' mode the calls are also skipped once the status is settled the other way
// (score already ≥ threshold, or a Reopen that no score changes). 'full' mode evaluates every rule otherwise.
import type { RuleDefinition, RuleResult } from '../../shared/domain';
import type { CallKind } from '../../shared/provider';
import type { EngineConfig } from '../../shared/config';
import { scoreRules } from './scoring';

export const NOT_EVALUATED_CANNOT_REACH = 'not evaluated: cannot reach threshold';
export const NOT_EVALUATED_DECIDED = 'not evaluated: status already decided';

export interface PrescoreInput {
  rules: readonly RuleDefinition[];
  /** Results known so far: deterministic rules and the replies already mapped. */
  known: readonly RuleResult[];
  /** Calls not made yet. */
  pending: readonly CallKind[];
  threshold: number;
  mode: EngineConfig['evaluationMode'];
  /** The status is Reopen whatever the score (PDF missing/unreadable, or no usable photo). */
  reopen: boolean;
}

export const NO_RULES_TO_DECIDE = 'not evaluated: no enabled rule left for this call';

export interface PrescoreDecision {
  /** Calls to make now. */
  calls: CallKind[];
  /** Calls to skip; their open rules get verdict 'skipped' with the reason. */
  skip: { kind: CallKind; reason: string }[];
  /** True when the submission cannot reach the threshold: it is Rejected without these calls. */
  rejected: boolean;
}

/** Points still open to the pending calls: enabled rules of those calls without a verdict yet. */
export function reachablePoints(rules: readonly RuleDefinition[], known: readonly RuleResult[], pending: readonly CallKind[]): number {
  const decided = new Set(known.map((r) => r.ruleId));
  return rules.filter((r) => r.enabled && r.call !== null && pending.includes(r.call) && !decided.has(r.id)).reduce((s, r) => s + r.points, 0);
}

export function prescore(p: PrescoreInput): PrescoreDecision {
  const skipAll = (reason: string, rejected: boolean): PrescoreDecision => ({
    calls: [],
    skip: p.pending.map((kind) => ({ kind, reason })),
    rejected,
  });
  const { score, undeterminedPoints } = scoreRules(p.known);
  const reachable = reachablePoints(p.rules, p.known, p.pending);
  // A Reopen outranks Rejected (docs/domain.md §7), so "cannot reach" only applies when the inputs are there.
  if (!p.reopen && score + undeterminedPoints + reachable < p.threshold) return skipAll(NOT_EVALUATED_CANNOT_REACH, true);
  if (p.mode === 'minimal' && (p.reopen || score >= p.threshold)) return skipAll(NOT_EVALUATED_DECIDED, false);
  // A call none of whose rules is still open can't change anything, in either mode.
  const useful = (kind: CallKind) => reachablePoints(p.rules, p.known, [kind]) > 0;
  return {
    calls: p.pending.filter(useful),
    skip: p.pending.filter((k) => !useful(k)).map((kind) => ({ kind, reason: NO_RULES_TO_DECIDE })),
    rejected: false,
  };
}
