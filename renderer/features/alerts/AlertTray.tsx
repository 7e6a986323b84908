// Alerts (breaker opened, sustained 429s, budget or daily quota spent) stay here until acknowledged.
import { useState } from 'react';
import { fmtClock } from '../../components/format';
import { api } from '../../platform';
import { live, useLive } from '../../stores';
import { selectAlertCount, selectAlerts } from '../../stores/selectors';

const KIND: Record<string, string> = {
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

  async function ack(id: string) {
    try {
      live.push({ event: 'alert', payload: await api.ackAlert({ id }) });
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
          {error && (
            <p role="alert" className="error-text">
              {error}
            </p>
          )}
          {alerts.length === 0 ? (
            <p className="muted">No alerts waiting.</p>
          ) : (
            <ul>
              {alerts.map((a) => (
                <li key={a.id} className="alert-item">
                  <div>
                    <strong>{KIND[a.kind] ?? a.kind}</strong> <span className="muted">{fmtClock(a.at)}</span>
                    <p>{a.message}</p>
                  </div>
                  <button type="button" onClick={() => void ack(a.id)}>
                    Acknowledge
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
