// Assemble a SubmissionResult from the rule verdicts: score, status, requirements text, provider.
import type { CallRecord, RuleResult, Submission, SubmissionResult } from '../../shared/domain';
import type { VerdictSource } from '../../shared/provider';
import { NOT_EVALUATED_CANNOT_REACH } from './prescoring';
import { requirementsNotMet } from './requirements';
import { emptyCategoryScores, scoreRules } from './scoring';
import { decideStatus } from './status';

export interface ResultInput {
  submission: Pick<Submission, 'id' | 'row'>;
  rules: readonly RuleResult[];
  threshold: number;
  pdfReadable: boolean;
  usablePhotos: number;
  calls: readonly CallRecord[];
  finishedAt: number;
}

// The most authoritative source that judged any rule: a live provider over a cached reply over the heuristic.
const SOURCE_RANK: readonly VerdictSource[] = ['gemini', 'groq', 'cache', 'heuristic'];

export function judgedBy(rules: readonly RuleResult[]): VerdictSource | 'none' {
  const used = new Set(rules.map((r) => r.source));
  return SOURCE_RANK.find((s) => used.has(s)) ?? 'none';
}

export function buildResult(input: ResultInput): SubmissionResult {
  const { score, categoryScores, undeterminedPoints } = scoreRules(input.rules);
  const decision = decideStatus({
    pdfReadable: input.pdfReadable,
    usablePhotos: input.usablePhotos,
    score,
    undeterminedPoints,
    threshold: input.threshold,
  });
  const notes: string[] = [];
  if (decision.reopenReason) notes.push(decision.reopenReason);
  if (input.rules.some((r) => r.verdict === 'skipped' && r.reason === NOT_EVALUATED_CANNOT_REACH)) notes.push(NOT_EVALUATED_CANNOT_REACH);
  return {
    submissionId: input.submission.id,
    row: input.submission.row,
    status: decision.status,
    score,
    categoryScores,
    undeterminedPoints,
    rules: [...input.rules],
    requirementsNotMet: requirementsNotMet(input.rules, notes),
    provider: judgedBy(input.rules),
    callsUsed: input.calls.length,
    calls: [...input.calls],
    finishedAt: input.finishedAt,
  };
}

/** An unexpected exception on a row: status Error with the message; the batch goes on. */
export function errorResult(
  submission: Pick<Submission, 'id' | 'row'>,
  error: unknown,
  calls: readonly CallRecord[],
  finishedAt: number,
): SubmissionResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    submissionId: submission.id,
    row: submission.row,
    status: 'Error',
    score: 0,
    categoryScores: emptyCategoryScores(),
    undeterminedPoints: 0,
    rules: [],
    requirementsNotMet: `Error: ${message}`,
    provider: 'none',
    callsUsed: calls.length,
    calls: [...calls],
    error: message,
    finishedAt,
  };
}
