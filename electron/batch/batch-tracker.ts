// A batch's progress: folds engine events into a BatchSnapshot (progress, ETA, calls, cache hits, fallbacks, the
// histogram of calls per submission) for the snapshot aggregator, the CLI progress line and the console.
import { STATUSES, type Status } from '../../shared/domain';
import type { BatchSnapshot, BatchState, EngineEvent } from '../../shared/telemetry';
import type { Clock } from '../engine/clock';
import type { BatchProgress } from '../engine/telemetry';
import { EtaEstimator } from './eta';

const MAX_EXHAUSTED_IDS = 100;

export class BatchTracker implements BatchProgress {
  private state: BatchState = 'running';
  private done = 0;
  private readonly byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  private callsUsed = 0;
  private cacheHits = 0;
  private fallbacks = 0;
  private readonly histogram: number[] = [];
  private readonly exhausted: string[] = [];
  private callsInFlight = 0;
  private readonly startedAt: number;
  private readonly eta: EtaEstimator;

  constructor(
    private readonly clock: Clock,
    private readonly opts: { runId: string; total: number; budget: number; workers: () => number; inFlight?: () => number },
  ) {
    this.startedAt = clock.now();
    this.eta = new EtaEstimator(this.startedAt);
  }

  /** The runner owns the state: 'finished' is set only once every result is committed. */
  setState(state: BatchState): void {
    this.state = state;
    if (state === 'running') this.eta.resume(this.clock.now());
    else this.eta.pause(this.clock.now());
  }

  /** A finished submission goes back for a second pass (batch end after an outage): it is not done until it ends again. */
  reopen(status: Status): void {
    this.done--;
    this.byStatus[status]--;
  }

  /** Calls another process made (a fleet worker's, reported with its result): this process saw no call event for them. */
  addCalls(n: number): void {
    this.callsUsed += n;
  }

  consume(e: EngineEvent): void {
    switch (e.type) {
      case 'call_started':
        this.callsUsed++;
        this.callsInFlight++;
        break;
      case 'call_finished':
        this.callsInFlight = Math.max(0, this.callsInFlight - 1);
        break;
      case 'fallback':
        if (e.to !== 'none') this.fallbacks++;
        break;
      case 'budget_spent':
        this.exhausted.unshift(e.submissionId);
        if (this.exhausted.length > MAX_EXHAUSTED_IDS) this.exhausted.pop();
        break;
      case 'submission_finished':
        this.done++;
        this.byStatus[e.status]++;
        this.eta.finished(e.at);
        this.cacheHits += e.cacheHits ?? 0;
        while (this.histogram.length <= e.callsUsed) this.histogram.push(0);
        this.histogram[e.callsUsed] = (this.histogram[e.callsUsed] ?? 0) + 1;
        break;
      default:
        break;
    }
  }

  snapshot(): BatchSnapshot {
    const left = this.opts.total - this.done;
    return {
      runId: this.opts.runId,
      state: this.state,
      total: this.opts.total,
      done: this.done,
      byStatus: { ...this.byStatus },
      callsUsed: this.callsUsed,
      cacheHits: this.cacheHits,
      fallbacks: this.fallbacks,
      startedAt: this.startedAt,
      etaMs: this.eta.eta(this.clock.now(), left),
      budgetHistogram: [...this.histogram],
      budget: this.opts.budget,
      budgetExhausted: [...this.exhausted],
      workers: this.opts.workers(),
      submissionsInFlight: this.opts.inFlight?.() ?? 0,
      callsInFlight: this.callsInFlight,
    };
  }
}
