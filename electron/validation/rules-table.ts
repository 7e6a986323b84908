// The rules table is data: operators edit points, enable flags and thresholds (docs/domain.md §4).
// Only the edits are persisted (settings key RULES_SETTING_KEY), so the table is always DEFAULT_RULES + edits.
import { z } from 'zod';
import { RULE_IDS, type RuleDefinition, type RuleId } from '../../shared/domain';
import { DEFAULT_RULES } from '../../shared/rules';

export const RULES_SETTING_KEY = 'rules';

const ruleEditSchema = z
  .object({
    points: z.number().finite().nonnegative(),
    enabled: z.boolean(),
    threshold: z.number().finite().nonnegative(),
  })
  .partial()
  .strict();

export type RuleEdit = z.infer<typeof ruleEditSchema>;
export type RulesPatch = Partial<Record<RuleId, RuleEdit>>;

export class RulesError extends Error {
  constructor(
    readonly ruleId: string,
    message: string,
  ) {
    super(`rule ${ruleId}: ${message}`);
    this.name = 'RulesError';
  }
}

function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}

/** Validate an edit set (from the settings screen or the store); throws RulesError naming the rule at fault. */
export function parseRulesPatch(patch: unknown): RulesPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new RulesError('(table)', 'expected an object of rule edits keyed by rule id');
  }
  const out: RulesPatch = {};
  for (const [id, edit] of Object.entries(patch)) {
    if (!isRuleId(id)) throw new RulesError(id, `unknown rule (known: ${RULE_IDS.join(', ')})`);
    const parsed = ruleEditSchema.safeParse(edit);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || '(edit)';
      const message = issue?.code === 'unrecognized_keys' ? 'unknown field' : (issue?.message ?? 'invalid');
      throw new RulesError(id, `${field}: ${message}`);
    }
    const base = DEFAULT_RULES.find((r) => r.id === id);
    if (parsed.data.threshold !== undefined && base?.threshold === undefined) {
      throw new RulesError(id, 'threshold: this rule has no threshold');
    }
    out[id] = parsed.data;
  }
  return out;
}

/** Merge two edit sets; later edits win field by field. */
export function mergeRulesPatch(current: RulesPatch, edits: unknown): RulesPatch {
  const next = parseRulesPatch(edits);
  const out: RulesPatch = { ...current };
  for (const id of Object.keys(next) as RuleId[]) out[id] = { ...current[id], ...next[id] };
  return out;
}

/** The effective table: the defaults with the edits applied, in the default order. */
export function rulesTable(edits: unknown = {}): RuleDefinition[] {
  const patch = parseRulesPatch(edits);
  return DEFAULT_RULES.map((r) => ({ ...r, ...patch[r.id] }));
}

export function ruleById(rules: readonly RuleDefinition[], id: RuleId): RuleDefinition {
  const def = rules.find((r) => r.id === id);
  if (!def) throw new RulesError(id, 'missing from the rules table');
  return def;
}
