// One provider's circuit card (Hystrix-style): state pill, trip facts, live rates, and the operator's three actions.
import { useMemo, useState } from 'react';
import type { ProviderId } from '../../../shared/provider';
import type { ProviderSnapshot, TripCause } from '../../../shared/telemetry';
import { ConfirmAction, ResultLine, reasonOf, type ActionResult } from '../../components/ConfirmAction';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtClock, fmtDuration, fmtInt, fmtPct } from '../../components/format';
import { useNow } from '../../components/useNow';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectProvider, selectReceivedAt, selectSnapshotAt } from '../../stores/selectors';

/** Every cause has words: a new TripCause fails the typecheck here until it gets them. */
const TRIP_CAUSE: Record<TripCause, string> = {
  '429': '429 rate limit',
  '5xx': '5xx server errors',
  timeout: 'timeouts',
  network: 'network errors',
  auth: 'auth failure',
  forced: 'forced by operator',
  probe_failed: 'half-open probe failed',
};
const PAUSES = [
  { label: '1 minute', ms: 60_000 },
  { label: '5 minutes', ms: 5 * 60_000 },
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
];

/** Engine time now, from the latest snapshot plus the local time since it arrived (no clock-skew between processes). */
function useEngineNow(): number | null {
  const at = useLive(selectSnapshotAt);
  const receivedAt = useLive(selectReceivedAt);
  const now = useNow(1000);
  return at === null || receivedAt === null ? null : at + (now - receivedAt);
}

function Fact({ label, value, warn }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className={warn ? 'fact warn' : 'fact'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Facts({ p, engineNow }: { p: ProviderSnapshot; engineNow: number | null }) {
  const b = p.breaker;
  const until = (t: number | null) => (t !== null && engineNow !== null && t > engineNow ? `${fmtClock(t)} (in ${fmtDuration(t - engineNow)})` : '—');
  return (
    <dl className="facts">
      <Fact label={`Errors (${fmtDuration(b.windowMs)} window)`} value={`${fmtPct(b.errorRate)} of ${fmtPct(b.threshold)} to trip`} warn={b.errorRate >= b.threshold} />
      <Fact label="Volume" value={`${fmtInt(b.calls)} / ${fmtInt(b.minCalls)} min calls`} />
      <Fact label="Last trip" value={b.lastTripCause ? TRIP_CAUSE[b.lastTripCause] : 'none'} />
      <Fact label="RPM" value={`${fmtInt(p.rpm)} / ${fmtInt(p.rpmLimit)}`} warn={p.rpm >= p.rpmLimit} />
      <Fact label="TPM" value={`${fmtInt(p.tpm)} / ${fmtInt(p.tpmLimit)}`} warn={p.tpm >= p.tpmLimit} />
      <Fact label="In flight" value={`${fmtInt(p.inFlight)} / ${fmtInt(p.concurrencyLimit)}`} />
      <Fact label="Queue" value={fmtInt(p.queued)} />
      <Fact label="429s (5 min)" value={fmtInt(p.http429Last5m)} warn={p.http429Last5m > 0} />
      <Fact label="Daily requests" value={`${fmtInt(p.rpdUsed)} / ${fmtInt(p.rpdLimit)}`} />
      <Fact label="Exhausted until" value={until(p.exhaustedUntil)} warn={p.exhaustedUntil !== null} />
      <Fact label="Paused until" value={until(p.pausedUntil)} warn={p.pausedUntil !== null} />
      <Fact label="p90 latency" value={p.p90LatencyMs > 0 ? fmtDuration(p.p90LatencyMs) : '—'} />
    </dl>
  );
}

export function BreakerCard({ id }: { id: ProviderId }) {
  const p = useLive(useMemo(() => selectProvider(id), [id]));
  const engineNow = useEngineNow();
  const [result, setResult] = useState<ActionResult | null>(null);
  if (!p) return null;
  const b = p.breaker;
  const name = PROVIDER_LABEL[id] ?? id;
  const paused = p.pausedUntil !== null && (engineNow === null || p.pausedUntil > engineNow);
  const countdown = b.state === 'open' && b.halfOpenAt !== null && engineNow !== null ? Math.max(0, b.halfOpenAt - engineNow) : null;

  return (
    <article className={`card breaker-card state-${b.state}`} aria-labelledby={`card-${id}`} data-provider={id}>
      <header className="card-head">
        <h2 id={`card-${id}`}>
          {name}
          {p.simulated && <span className="tag">simulated</span>}
        </h2>
        <span className={`pill pill-${b.state}`} data-testid={`breaker-state-${id}`}>
          {BREAKER_LABEL[b.state]}
          {b.forced && <span className="pill-forced"> · forced</span>}
        </span>
      </header>
      <p className="card-sub" aria-live="polite">
        {countdown !== null ? `Half-open probe in ${fmtDuration(countdown)}` : b.state === 'half_open' ? 'Probing: the next call decides' : 'Traffic flowing'}
        {p.misconfigured && <span className="warn-text"> · Misconfigured: {p.misconfigured}</span>}
      </p>
      <Facts p={p} engineNow={engineNow} />
      {p.waitReasons[0] && <p className="wait-reason">Waiting: {p.waitReasons[0]}</p>}
      <div className="card-actions">
        <ConfirmAction
          label="Reset breaker"
          title={`Reset the ${name} breaker?`}
          description={<p>The breaker closes and its error window is cleared. Traffic resumes at the configured limits.</p>}
          onResult={setResult}
          run={async (form) => (await api.resetBreaker({ provider: id, reason: reasonOf(form) })).message}
        />
        <ConfirmAction
          label="Force open"
          danger
          title={`Force the ${name} breaker open?`}
          description={<p>No calls go to {name} until an operator resets it; work falls back to the next provider.</p>}
          onResult={setResult}
          run={async (form) => (await api.forceOpenBreaker({ provider: id, reason: reasonOf(form) })).message}
        />
        {paused ? (
          <ConfirmAction
            label="Resume provider"
            title={`Resume ${name}?`}
            description={<p>{name} takes calls again now.</p>}
            onResult={setResult}
            run={async (form) => {
              await api.pauseProvider({ provider: id, until: null, reason: reasonOf(form) });
              return `${name} resumed`;
            }}
          />
        ) : (
          <ConfirmAction
            label="Pause provider"
            title={`Pause ${name}?`}
            description={<p>Queued calls wait (or fall back) until the pause ends.</p>}
            onResult={setResult}
            fields={
              <label className="field">
                <span>Pause for</span>
                <select name="pauseMs" defaultValue={String(PAUSES[1]?.ms)}>
                  {PAUSES.map((d) => (
                    <option key={d.ms} value={d.ms}>
                      {d.label}
                    </option>
                  ))}
                </select>
              </label>
            }
            run={async (form) => {
              const until = (engineNow ?? Date.now()) + Number(form.get('pauseMs'));
              const r = await api.pauseProvider({ provider: id, until: Math.round(until), reason: reasonOf(form) });
              return r.pausedUntil ? `${name} paused until ${fmtClock(r.pausedUntil)}` : `${name} not paused`;
            }}
          />
        )}
      </div>
      <p className="action-result">{result && <ResultLine result={result} />}</p>
    </article>
  );
}
