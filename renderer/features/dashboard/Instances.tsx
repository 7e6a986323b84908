// The Instances view (docs/scale-out.md "Distributed runs"): every live instance sharing this quota (coordinators,
// workers, apps), its in-flight calls and its share of the fleet's requests, and the fleet-wide provider state.
// Polled from getFleet every 2 s: the registry changes at heartbeat pace, so a pushed stream would add nothing.
import { useEffect, useState } from 'react';
import type { FleetSnapshot } from '../../../shared/telemetry';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api } from '../../platform';
import { FleetTables } from './FleetTables';

const POLL_MS = 2_000;

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
      <ErrorAlert message={error} />
      {fleet && <FleetTables fleet={fleet} />}
    </section>
  );
}
