// The request budget of one submission: every physical call counts (retries and fallbacks too; cache hits don't).
// It also holds the submission's timeline: one small record per step, filled in as the step goes (docs/console.md §16).
import type { CallKind, ProviderId } from '../../shared/provider';
import type { CallRecord, TimelineStep } from '../../shared/domain';

export class Budget {
  private spent = 0;
  readonly calls: CallRecord[] = [];
  readonly timeline: TimelineStep[] = [];

  constructor(
    readonly submissionId: string,
    readonly max: number,
  ) {}

  get used(): number {
    return this.spent;
  }
  get remaining(): number {
    return this.max - this.spent;
  }
  get exhausted(): boolean {
    return this.spent >= this.max;
  }

  /** Charge one physical call; false when the budget is spent (the call must not go out). */
  tryCharge(): boolean {
    if (this.exhausted) return false;
    this.spent++;
    return true;
  }

  record(call: CallRecord): void {
    this.calls.push(call);
  }

  /** A new step from `at`; the caller fills in its phases and its end. */
  step(step: TimelineStep['step'], kind: CallKind | null, provider: ProviderId | null, attempt: number, at: number): TimelineStep {
    const s = blankStep(step, kind, provider, attempt, at);
    this.timeline.push(s);
    return s;
  }
}

/** A step that began at `at` and has no phase yet: it ends where it began. */
export function blankStep(step: TimelineStep['step'], kind: CallKind | null, provider: ProviderId | null, attempt: number, at: number): TimelineStep {
  return {
    step,
    kind,
    provider,
    attempt,
    from: at,
    admittedAt: null,
    waitedOn: null,
    sentAt: null,
    to: at,
    outcome: null,
    next: null,
    backoffMs: 0,
    note: null,
  };
}
