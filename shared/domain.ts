// Domain types: a submission as mapped from a batch row, rule verdicts, and the scored result (docs/domain.md).
import type { CallKind, FailureKind, ProviderId, QuotaDimension, VerdictSource } from './provider';

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
  /** The steps of its calls on the engine clock (docs/console.md §16); stored beside the calls, not in the result's JSON. */
  timeline?: TimelineStep[];
}

/**
 * Why a call waited for its limiter's admission: a quota dimension, a provider pause, a shared quota store out of reach,
 * its turn behind earlier calls, or its jitter (docs/console.md §16).
 */
export type AdmissionWait = QuotaDimension | 'pause' | 'store' | 'queue' | 'jitter';

export const TIMELINE_STEPS = ['stagger', 'attempt', 'skip', 'park'] as const;
/** What came of an attempt or a skip: an answer, a retry after a backoff, the next provider, or the end of the call. */
export const STEP_NEXTS = ['ok', 'retry', 'fallback', 'stop', 'reroute'] as const;

/**
 * One step of a submission's calls, times in engine-clock ms (docs/console.md §16). `stagger`: the pause before its
 * first call. `attempt`: one attempt on one provider, from entering the limiter (`from`) through its admission,
 * the slot wait and the request (`sentAt`) to its answer or refusal (`to`). `skip`: a provider passed over without
 * an attempt. `park`: the wait for a provider that was down. Plain numbers: one small record per step.
 */
export interface TimelineStep {
  step: (typeof TIMELINE_STEPS)[number];
  /** Null for the stagger, which comes before every call of the submission. */
  kind: CallKind | null;
  provider: ProviderId | null;
  /** 1-based attempt on this provider; 0 for the other steps. */
  attempt: number;
  from: number;
  /** When the limiter admitted it; null when it was turned away or never queued. */
  admittedAt: number | null;
  /** What held its admission back; null when it was admitted at once. */
  waitedOn: AdmissionWait | null;
  /** When the request went out (a slot held, the budget charged); null when it was not sent. */
  sentAt: number | null;
  to: number;
  /** The provider's answer, classified; null when nothing was sent. */
  outcome: 'ok' | FailureKind | null;
  next: (typeof STEP_NEXTS)[number] | null;
  /** The wait before the next attempt when `next` is retry. */
  backoffMs: number;
  /** Why it fell back or stopped (the router's reason), or why a retry went unsent; null otherwise. */
  note: string | null;
}
