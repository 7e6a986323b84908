// Domain types: a submission as mapped from a batch row, rule verdicts, and the scored result (docs/domain.md).
import type { CallKind, FailureKind, ProviderId, VerdictSource } from './provider';

export const STATUSES = ['Accepted', 'Rejected', 'Reopen', 'Review', 'Error'] as const;
export type Status = (typeof STATUSES)[number];

export type Mode = 'online' | 'offline';

/** The fields the validator reads from one row (docs/domain.md §1). Blank / nan / null cells are null. */
export interface Submission {
  /** `id`, else `eventId`, else `row-<n>`; unique within a batch. */
  id: string;
  /** 1-based data row number in the file (header is row 0). */
  row: number;
  title: string | null;
  objectives: string | null;
  learningOutcomes: string | null;
  theme: string | null;
  eventType: string | null;
  declaredLevel: number | null;
  durationHours: number | null;
  participants: number;
  mode: Mode | null;
  eventDriven: number | null;
  fromDate: string | null;
  financialYear: string | null;
  academicYear: string | null;
  reportPath: string | null;
  photoPaths: string[];
  /** Problems found while mapping this row (unparseable numbers etc.). */
  problems: string[];
}

export type RuleCategory = 'theme' | 'pdf' | 'image' | 'similarity';

export const RULE_IDS = [
  'theme_alignment',
  'level_duration',
  'participants',
  'year_alignment',
  'pdf_title',
  'pdf_expert',
  'pdf_outcomes',
  'pdf_objectives',
  'pdf_participants',
  'geotag',
  'banner',
  'real_event',
  'mode_matches',
  'participants_visible',
  'duplicate_photo',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RuleDefinition {
  id: RuleId;
  category: RuleCategory;
  /** The rule's name as reviewers read it in "Requirements Not Met". */
  name: string;
  points: number;
  enabled: boolean;
  /** The LLM call that decides it, or null for deterministic rules. */
  call: CallKind | null;
  /** Rule-specific numbers (e.g. participants > 15). */
  threshold?: number;
}

export type Verdict = 'pass' | 'fail' | 'undetermined' | 'disabled' | 'skipped';

export interface RuleResult {
  ruleId: RuleId;
  category: RuleCategory;
  name: string;
  points: number;
  earned: number;
  verdict: Verdict;
  reason: string;
  source: VerdictSource | 'rule';
}

/** One physical provider call, as recorded against a submission's budget. */
export interface CallRecord {
  submissionId: string;
  kind: CallKind;
  provider: ProviderId;
  model: string;
  attempt: number;
  outcome: 'ok' | FailureKind;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  startedAt: number;
  message?: string;
}

export interface SubmissionResult {
  submissionId: string;
  row: number;
  status: Status;
  score: number;
  /** Points per category (theme, pdf, image, similarity). */
  categoryScores: Record<RuleCategory, number>;
  undeterminedPoints: number;
  rules: RuleResult[];
  /** "<rule>: <reason>" for each failed or undetermined rule, joined with "; ". */
  requirementsNotMet: string;
  /** Which source judged the LLM rules (the most authoritative one used). */
  provider: VerdictSource | 'none';
  callsUsed: number;
  calls: CallRecord[];
  error?: string;
  finishedAt: number;
}
