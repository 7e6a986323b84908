// The admissions of the last minute, for the dashboard's RPM/TPM whatever the accounting model. Numbers in two arrays
// read from a moving head, not the admissions themselves: an admission dies with its call, so a minute of them is not
// kept alive (and copied by every garbage collection) just to be counted.

/** Tokens of an admission that was refunded: it never happened and counts nowhere. */
const VOID = Number.NaN;

export class LastMinute {
  /** When each admission counts from (its admission, or its start once started), in admission order from `head`. */
  private at: number[] = [];
  private tokens: number[] = [];
  private head = 0;
  /** Absolute position of at[0] (grows when the arrays are compacted). */
  private base = 0;

  /** Records an admission; returns its place, for the updates below. */
  add(at: number, tokens: number, now: number): number {
    this.prune(now);
    this.at.push(at);
    this.tokens.push(tokens);
    return this.base + this.at.length - 1;
  }

  /** The call started at `at` (never earlier than recorded). */
  started(place: number, at: number): void {
    const i = place - this.base;
    if (i >= this.head) this.at[i] = Math.max(this.at[i] as number, at);
  }

  settled(place: number, tokens: number): void {
    const i = place - this.base;
    if (i >= this.head) this.tokens[i] = tokens;
  }

  refunded(place: number): void {
    this.settled(place, VOID);
  }

  /** Starts and tokens of the last 60 s: admissions not yet refunded whose time has come. */
  count(now: number): { rpm: number; tpm: number } {
    this.prune(now);
    let rpm = 0;
    let tpm = 0;
    for (let i = this.head; i < this.at.length; i++) {
      const tokens = this.tokens[i] as number;
      if (Number.isNaN(tokens) || (this.at[i] as number) > now) continue;
      rpm++;
      tpm += tokens;
    }
    return { rpm, tpm };
  }

  /** Drops admissions from the head that counted from a minute ago or more (in admission order, as they were made). */
  private prune(now: number): void {
    while (this.head < this.at.length && now - (this.at[this.head] as number) >= 60_000) this.head++;
    if (this.head > 1024 && this.head * 2 > this.at.length) {
      this.at = this.at.slice(this.head);
      this.tokens = this.tokens.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
