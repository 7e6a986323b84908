// Scores from rule verdicts: each rule earns its full points or none. Undetermined points are kept
// apart, because an undetermined rule may still pass (undetermined is not NO).
import type { RuleCategory, RuleResult } from '../../shared/domain';

export const CATEGORIES: readonly RuleCategory[] = ['theme', 'pdf', 'image', 'similarity'];

export interface Score {
  score: number;
  categoryScores: Record<RuleCategory, number>;
  undeterminedPoints: number;
}

export function emptyCategoryScores(): Record<RuleCategory, number> {
  return { theme: 0, pdf: 0, image: 0, similarity: 0 };
}

export function scoreRules(results: readonly RuleResult[]): Score {
  const categoryScores = emptyCategoryScores();
  let score = 0;
  let undeterminedPoints = 0;
  for (const r of results) {
    const earned = r.verdict === 'pass' ? r.points : 0;
    categoryScores[r.category] += earned;
    score += earned;
    if (r.verdict === 'undetermined') undeterminedPoints += r.points;
  }
  return { score, categoryScores, undeterminedPoints };
}
