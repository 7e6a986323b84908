// The request budget of one submission: every physical call counts (retries and fallbacks too; cache hits don't).
import type { CallRecord } from '../../shared/domain';

export class Budget {
  private spent = 0;
  readonly calls: CallRecord[] = [];

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
}
