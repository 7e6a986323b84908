// One provider's circuit card (Hystrix-style): state pill, trip facts, live rates, and the operator's three actions.
import { useMemo, useRef, useState } from 'react';
import type { ProviderId } from '../../../shared/provider';
import type { ProviderSnapshot, TripCause } from '../../../shared/telemetry';
import { ConfirmAction, ResultLine, reasonOf, type ActionResult } from '../../components/ConfirmAction';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtClock, fmtDuration, fmtInt, fmtPct } from '../../components/format';
import { useEngineNow } from '../../components/useEngineNow';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectProvider } from '../../stores/selectors';
import { ModelLimits } from './ModelLimits';
import { providerNotes, providerStatus } from './provider-status';
import { rateIsLearned, rateKey, rateNotes, rateSummary, resetSays, restoreSays } from './rate-status';

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
  // Several models: the figures are their sum, and say so (the table below has each one's).
  const sum = p.models.length > 1 ? ` (sum of ${p.models.length} models)` : '';
  const until = (t: number | null) => (t !== null && engineNow !== null && t > engineNow ? `${fmtClock(t)} (in ${fmtDuration(t - engineNow)})` : '—');
  return (
    <dl className="facts">
      <Fact
        label={`Errors (${fmtDuration(b.windowMs)} window)`}
        value={`${fmtPct(b.errorRate)} of ${fmtPct(b.threshold)} to trip`}
        warn={b.errorRate >= b.threshold}
      />
      <Fact label="Volume" value={`${fmtInt(b.calls)} / ${fmtInt(b.minCalls)} min calls`} />
      <Fact label="Last trip" value={b.lastTripCause ? TRIP_CAUSE[b.lastTripCause] : 'none'} />
      <Fact label={`RPM${sum}`} value={`${fmtInt(p.rpm)} / ${fmtInt(p.rpmLimit)}`} warn={p.rpm >= p.rpmLimit} />
      <Fact label={`TPM${sum}`} value={`${fmtInt(p.tpm)} / ${fmtInt(p.tpmLimit)}`} warn={p.tpm >= p.tpmLimit} />
      <Fact label="Per-minute rate" value={rateSummary(p)} warn={rateIsLearned(p)} />
      <Fact label="In flight" value={`${fmtInt(p.inFlight)} / ${fmtInt(p.concurrencyLimit)}`} />
      <Fact label="Queue" value={fmtInt(p.queued)} />
      <Fact label="429s (5 min)" value={fmtInt(p.http429Last5m)} warn={p.http429Last5m > 0} />
      <Fact label={`Daily requests${sum}`} value={`${fmtInt(p.rpdUsed)} / ${fmtInt(p.rpdLimit)}`} />
      <Fact label="Exhausted until" value={until(p.exhaustedUntil)} warn={p.exhaustedUntil !== null} />
      <Fact label="Paused until" value={until(p.pausedUntil)} warn={p.pausedUntil !== null} />
      <Fact label="p90 latency" value={p.p90LatencyMs > 0 ? fmtDuration(p.p90LatencyMs) : '—'} />
    </dl>
  );
}

export function BreakerCard({ id }: { id: ProviderId }) {
  const p = useLive(useMemo(() => selectProvider(id), [id]));
  const engineNow = useEngineNow();
  /** An action's result, with the state it was shown for: it goes away when the state moves on (docs/console.md §2). */
  const [result, setResult] = useState<(ActionResult & { state: string }) | null>(null);
  /** The state an action's reply says it left: set by the action, read when its result is shown. */
  const left = useRef<string | null>(null);
  if (!p) return null;
  const b = p.breaker;
  const name = PROVIDER_LABEL[id] ?? id;
  const paused = p.pausedUntil !== null && (engineNow === null || p.pausedUntil > engineNow);
  const status = providerStatus(p, engineNow ?? p.breaker.lastTransitionAt ?? 0);
  const stateKey = `${b.state}:${b.forced}:${paused}`;
  const show = (r: ActionResult) => {
    setResult({ ...r, state: left.current ?? stateKey });
    left.current = null;
  };
  const breakerKey = (r: { breaker: { state: string; forced: boolean } }) => (left.current = `${r.breaker.state}:${r.breaker.forced}:${paused}`);

  return (
    <article className={`card breaker-card state-${b.state}`} aria-labelledby={`card-${id}`} data-provider={id}>
      <header className="card-head">
        <h2 id={`card-${id}`}>
          {name}
          {p.simulated && <span className="tag">simulated</span>}
        </h2>
        <span className={`pill pill-${b.state}`} data-testid={`breaker-state-${id}`}>
          {BREAKER_LABEL[b.state]}
          {b.forced && b.state === 'open' && <span className="pill-forced"> · forced</span>}
        </span>
      </header>
      <p className={`card-sub tone-${status.tone}`} data-testid={`card-sub-${id}`}>
        {status.text}
      </p>
      {providerNotes(p).map((note) => (
        <p key={note} className="card-note warn-text">
          {note}
        </p>
      ))}
      <Facts p={p} engineNow={engineNow} />
      <div className="rate-notes" data-testid={`rate-notes-${id}`}>
        {rateNotes(p).map((note) => (
          <p key={note} className="card-note warn-text">
            {note}
          </p>
        ))}
      </div>
      <ModelLimits id={id} models={p.models} />
      {p.waitReasons[0] && <p className="wait-reason">Waiting: {p.waitReasons[0]}</p>}
      <div className="card-actions">
        <ConfirmAction
          label="Reset breaker"
          title={`Reset the ${name} breaker?`}
          disabled={b.state === 'closed'}
          description={resetSays(p).map((line) => (
            <p key={line}>{line}</p>
          ))}
          onResult={show}
          run={async (form) => {
            const r = await api.resetBreaker({ provider: id, reason: reasonOf(form) });
            breakerKey(r);
            return r.message;
          }}
        />
        <ConfirmAction
          label="Force open"
          danger
          title={`Force the ${name} breaker open?`}
          disabled={b.state === 'open' && b.forced}
          description={<p>No calls go to {name} until an operator resets it; work falls back to the next provider.</p>}
          onResult={show}
          run={async (form) => {
            const r = await api.forceOpenBreaker({ provider: id, reason: reasonOf(form) });
            breakerKey(r);
            return r.message;
          }}
        />
        <ConfirmAction
          label="Restore configured rate"
          title={`Restore ${name}'s configured rate?`}
          disabled={!rateIsLearned(p)}
          description={restoreSays(p).map((line) => (
            <p key={line}>{line}</p>
          ))}
          bound={rateKey(p)}
          staleMessage={`${name}'s rate changed while the dialog was open: nothing was done. Check the figures and try again.`}
          onResult={show}
          run={async (form) => {
            const r = await api.restoreRate({ provider: id, reason: reasonOf(form) });
            return r.message;
          }}
        />
        {paused ? (
          <ConfirmAction
            label="Resume provider"
            title={`Resume ${name}?`}
            description={<p>{name} takes calls again now.</p>}
            bound="paused"
            staleMessage={`${name}'s pause ended while the dialog was open: nothing was done.`}
            onResult={show}
            run={async (form) => {
              await api.pauseProvider({ provider: id, until: null, reason: reasonOf(form) });
              left.current = `${b.state}:${b.forced}:false`;
              return `${name} resumed`;
            }}
          />
        ) : (
          <ConfirmAction
            label="Pause provider"
            title={`Pause ${name}?`}
            description={<p>Queued calls wait (or fall back) until the pause ends.</p>}
            bound="running"
            staleMessage={`${name} was paused while the dialog was open: nothing was done.`}
            onResult={show}
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
              left.current = `${b.state}:${b.forced}:${r.pausedUntil !== null}`;
              return r.pausedUntil ? `${name} paused until ${fmtClock(r.pausedUntil)}` : `${name} not paused`;
            }}
          />
        )}
      </div>
      <p className="action-result" aria-live="polite">
        {result && (result.state === stateKey || !result.ok) && <ResultLine result={result} />}
      </p>
    </article>
  );
}
