// The snapshot aggregator: publishes a Snapshot about once a second on the injected clock (breaker transitions at
// once), folding in the progress of the batch that is running, if any (electron/batch/batch-tracker.ts).
import type { BatchSnapshot, EngineEvent, ProviderSnapshot, Snapshot } from '../../shared/telemetry';
import type { Clock } from './clock';
import type { EventBus } from './events';

/** A running batch's progress, as the aggregator needs it: it sees every engine event and reports a snapshot. */
export interface BatchProgress {
  consume(e: EngineEvent): void;
  snapshot(): BatchSnapshot;
}

export class SnapshotAggregator {
  private cancelTimer: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private tracker: BatchProgress | null = null;

  constructor(
    private readonly opts: {
      clock: Clock;
      events: EventBus<EngineEvent>;
      providers: () => ProviderSnapshot[];
      publish: (s: Snapshot) => void;
      periodMs?: number;
    },
  ) {}

  /** The batch whose progress goes into snapshots (null when idle). */
  setBatch(tracker: BatchProgress | null): void {
    this.tracker = tracker;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.opts.events.on((e) => {
      this.tracker?.consume(e);
      if (e.type === 'breaker_transition') this.publishNow();
    });
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  snapshot(): Snapshot {
    return { at: this.opts.clock.now(), providers: this.opts.providers(), batch: this.tracker?.snapshot() ?? null };
  }

  private publishNow(): void {
    this.opts.publish(this.snapshot());
  }

  private schedule(): void {
    this.cancelTimer = this.opts.clock.setTimer(this.opts.periodMs ?? 1_000, () => {
      this.publishNow();
      this.schedule();
    });
  }
}
