// The Instances view (docs/scale-out.md "Distributed runs"): every live instance sharing this quota (coordinators,
// workers, apps), its in-flight calls and its share of the fleet's requests, and the fleet-wide provider state.
// Polled from getFleet every 2 s: the registry changes at heartbeat pace, so a pushed stream would add nothing.
import { useEffect, useState } from 'react';
import type { FleetSnapshot } from '../../../shared/telemetry';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtInt, fmtPct } from '../../components/format';
import { api } from '../../platform';
import { fleetProviders, shareOf } from './fleet-figures';

const POLL_MS = 2_000;

const shareText = (s: FleetSnapshot, id: string) => {
  const share = shareOf(s, id);
  return share === null ? '—' : fmtPct(share);
};

export function Instances() {
  const [fleet, setFleet] = useState<FleetSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const poll = () =>
      api.getFleet({}).then(
        (s) => live && (setFleet(s), setError(null)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);

  return (
    <section className="card instances" aria-labelledby="instances-h" data-testid="instances">
      <h2 id="instances-h">Instances</h2>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {fleet && (
        <>
          <p className="muted" data-testid="fleet-sharing">
            {fleet.sharedVia
              ? `Quota, breakers and work shared via Redis (${fleet.redis}) · ${fleet.instances.length} live instance${fleet.instances.length === 1 ? '' : 's'}`
              : 'Not shared: this instance alone owns its quota (set REDIS_URL to share it with other instances)'}
          </p>
          {fleet.error && (
            <p role="alert" className="error-text">
              {fleet.error}
            </p>
          )}
          <table className="compact" aria-label="Fleet-wide state per provider">
            <thead>
              <tr>
                {['Provider', 'In flight', 'Requests/min (fleet)', 'Breakers not closed'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {fleetProviders(fleet).map((p) => (
                <tr key={p.provider}>
                  <td>{PROVIDER_LABEL[p.provider] ?? p.provider}</td>
                  <td>{fmtInt(p.inFlight)}</td>
                  <td>
                    {fmtInt(p.rpm)} / {fmtInt(p.rpmLimit)}
                  </td>
                  <td>
                    {p.breakersOpen} of {p.instances}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="compact" aria-label="Live instances">
            <thead>
              <tr>
                {['Instance', 'Role', 'Running', 'Finished', 'In flight', 'Share of quota', 'Breakers'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {fleet.instances.map((i) => (
                <tr key={i.id} data-testid="instance-row">
                  <td title={i.id}>
                    {i.host} · pid {i.pid}
                  </td>
                  <td>{i.role}</td>
                  <td>{fmtInt(i.active)}</td>
                  <td>{fmtInt(i.finished)}</td>
                  <td>{fmtInt(i.providers.reduce((n, p) => n + p.inFlight, 0))}</td>
                  <td>{shareText(fleet, i.id)}</td>
                  <td>{i.providers.map((p) => `${PROVIDER_LABEL[p.provider] ?? p.provider} ${BREAKER_LABEL[p.breaker]}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
