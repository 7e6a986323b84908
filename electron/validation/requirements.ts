// "Requirements Not Met": what a reviewer reads. Leading notes (a Reopen reason, "not evaluated: ...")
// come first, then each failed or undetermined rule as "<rule>: <reason>", joined with "; ".
import type { RuleResult } from '../../shared/domain';

export const SEPARATOR = '; ';

export function requirementsNotMet(results: readonly RuleResult[], notes: readonly string[] = []): string {
  const rules = results.filter((r) => r.verdict === 'fail' || r.verdict === 'undetermined').map((r) => `${r.name}: ${r.reason}`);
  return [...notes, ...rules].join(SEPARATOR);
}
