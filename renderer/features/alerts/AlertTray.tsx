// Alerts (breaker opened, sustained 429s, budget or daily quota spent) stay here until acknowledged
// (docs/console.md §7). Repeats of an open alert are counted ("×3"), never silently replaced.
import { useEffect, useState } from 'react';
import type { Alert } from '../../../shared/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fmtClock } from '../../components/format';
import { api } from '../../platform';
import { live, useLive } from '../../stores';
import { selectAlertCount, selectAlerts } from '../../stores/selectors';

const KIND: Record<Alert['kind'], string> = {
  breaker_open: 'Breaker open',
  sustained_429: 'Sustained 429s',
  budget_exhausted: 'Budget spent',
  quota_exhausted: 'Daily quota spent',
  provider_misconfigured: 'Misconfigured',
};

export function AlertTray() {
  const count = useLive(selectAlertCount);
  const alerts = useLive(selectAlerts);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  async function acknowledge(call: () => Promise<Alert | Alert[]>) {
    try {
      const acked = await call();
      for (const payload of Array.isArray(acked) ? acked : [acked]) live.push({ event: 'alert', payload });
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <div className="alert-tray">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="alert-panel"
        className={count ? 'alerts-button has-alerts' : 'alerts-button'}
        onClick={() => setOpen(!open)}
      >
        Alerts <span className="badge">{count}</span>
      </button>
      {open && (
        <div id="alert-panel" className="alert-panel" role="region" aria-label="Alerts">
          <ErrorAlert message={error} />
          {alerts.length === 0 ? (
            <p className="muted">No alerts waiting.</p>
          ) : (
            <>
              {alerts.length > 1 && (
                <button type="button" className="alert-ack-all" onClick={() => void acknowledge(() => api.ackAllAlerts({}))}>
                  Acknowledge all ({alerts.length})
                </button>
              )}
              <ul>
                {alerts.map((a) => (
                  <li key={a.id} className="alert-item" data-testid="alert-item">
                    <div>
                      <strong>{KIND[a.kind] ?? a.kind}</strong>
                      {a.count > 1 && (
                        <span className="alert-count" title={`raised ${a.count} times since ${fmtClock(a.firstAt)}`}>
                          {' '}
                          ×{a.count}
                        </span>
                      )}{' '}
                      <span className="muted">{a.count > 1 ? `${fmtClock(a.firstAt)}–${fmtClock(a.at)}` : fmtClock(a.at)}</span>
                      <p>{a.message}</p>
                    </div>
                    <button type="button" onClick={() => void acknowledge(() => api.ackAlert({ id: a.id }))}>
                      Acknowledge
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
