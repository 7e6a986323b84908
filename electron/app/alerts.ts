// The alert tray (docs/console.md §7): a breaker opening, a sustained 429 rate, budget exhaustion, a spent daily quota
// and a misconfigured provider. An alert stays until acknowledged; while one of a kind is unacknowledged for
// a provider, repeats fold into it (counted) instead of flooding the tray.
import type { Alert } from '../../shared/api';
import type { ProviderId } from '../../shared/provider';
import type { EngineEvent } from '../../shared/telemetry';
import type { Clock } from '../engine/clock';

/** 429s from one provider within this window that count as "sustained". */
export const SUSTAINED_429_COUNT = 5;
export const SUSTAINED_429_WINDOW_MS = 60_000;

export class AlertTray {
  private readonly alerts: Alert[] = [];
  private readonly recent429: Record<ProviderId, number[]> = { gemini: [], groq: [] };
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly publish: (a: Alert) => void,
  ) {}

  list(includeAcknowledged: boolean): Alert[] {
    return this.alerts
      .filter((a) => includeAcknowledged || a.acknowledgedAt === null)
      .slice()
      .reverse();
  }

  /** Acknowledge every open alert; returns those it acknowledged. */
  ackAll(): Alert[] {
    return this.list(false).map((a) => this.ack(a.id));
  }

  ack(id: string): Alert {
    const a = this.alerts.find((x) => x.id === id);
    if (!a) throw new Error(`no alert "${id}"`);
    if (a.acknowledgedAt === null) a.acknowledgedAt = this.clock.now();
    return a;
  }

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'breaker_transition':
        if (e.to === 'open') this.raise('breaker_open', e.provider, `${e.provider} breaker opened: ${e.cause}`);
        return;
      case 'http_429': {
        const times = this.recent429[e.provider];
        times.push(e.at);
        while (times.length > 0 && (times[0] as number) <= e.at - SUSTAINED_429_WINDOW_MS) times.shift();
        if (times.length >= SUSTAINED_429_COUNT) {
          this.raise('sustained_429', e.provider, `${e.provider}: ${times.length} rate-limit (429) replies in the last minute`);
        }
        return;
      }
      case 'budget_spent':
        this.raise('budget_exhausted', null, `submission ${e.submissionId} used its whole budget (${e.used} of ${e.budget} calls)`);
        return;
      case 'provider_exhausted':
        this.raise('quota_exhausted', e.provider, `${e.provider} daily quota spent until ${new Date(e.until).toISOString()}: ${e.reason}`);
        return;
      case 'provider_misconfigured':
        this.raise('provider_misconfigured', e.provider, `${e.provider} is misconfigured: ${e.reason}`);
        return;
      default:
        return;
    }
  }

  private raise(kind: Alert['kind'], provider: ProviderId | null, message: string): void {
    const open = this.alerts.find((a) => a.kind === kind && a.provider === provider && a.acknowledgedAt === null);
    if (open) {
      open.message = message; // fold repeats into the open alert, counted, so none goes unseen
      open.at = this.clock.now();
      open.count++;
      this.publish(open);
      return;
    }
    const at = this.clock.now();
    const alert: Alert = { id: `alert-${++this.seq}`, at, kind, provider, message, acknowledgedAt: null, count: 1, firstAt: at };
    this.alerts.push(alert);
    this.publish(alert);
  }
}
