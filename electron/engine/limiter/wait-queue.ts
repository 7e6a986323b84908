// The scheduler's wait queue: FIFO within a priority, higher priority first, read from a moving head.
import type { AdmissionWait } from '../../../shared/domain';
import type { Admission } from './admission';

export interface Waiter {
  seq: number;
  priority: number;
  tokens: number;
  enqueuedAt: number;
  /** Jitter drawn for this request's first wait: it is not admitted before this time. */
  jitterUntil?: number;
  /** What held it back when it was last the head of the queue (the store's first blocker, or its jitter). */
  waitedOn?: AdmissionWait;
  /** Admitted, turned away, aborted or drained: an answer that arrives for it now is given back. */
  gone?: boolean;
  resolve(a: Admission): void;
  reject(e: unknown): void;
  /** Stops listening for the caller's abort signal (none without one). */
  detach?: () => void;
}

/** An array read from a moving head, so admitting from a long queue costs O(1), not a shift. */
export class WaitQueue {
  private items: Waiter[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  first(): Waiter | undefined {
    return this.items[this.head];
  }
  shift(): Waiter | undefined {
    const w = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
  /** FIFO within a priority; higher priority first. */
  insert(w: Waiter): void {
    let i = this.items.length;
    while (i > this.head && (this.items[i - 1] as Waiter).priority < w.priority) i--;
    if (i === this.items.length) this.items.push(w);
    else this.items.splice(i, 0, w);
  }
  remove(w: Waiter): void {
    const i = this.items.indexOf(w, this.head);
    if (i >= 0) this.items.splice(i, 1);
  }
  takeAll(): Waiter[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
  slice(n: number): Waiter[] {
    return this.items.slice(this.head, this.head + n);
  }
}
