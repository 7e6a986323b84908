// One submission: every rule's verdict and reason, and its call history.
import { useEffect, useRef, useState } from 'react';
import type { CommandOutput } from '../../../shared/api';
import { PROVIDER_LABEL, fmtClock, fmtJudgedBy, fmtDuration, fmtInt, fmtNum } from '../../components/format';
import { useFocusTrap } from '../../components/useFocusTrap';
import { visibleControls } from '../../components/visible-controls';
import { api } from '../../platform';
import { SubmissionTimeline } from './SubmissionTimeline';

type Detail = CommandOutput<'getSubmission'>;

export function SubmissionDrawer({ runId, submissionId, onClose }: { runId: string; submissionId: string; onClose(): void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);
  useFocusTrap(panel, onClose);

  useEffect(() => {
    setDetail(null);
    api.getSubmission({ runId, submissionId }).then(setDetail, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    closeButton.current?.focus();
  }, [runId, submissionId]);

  const r = detail?.result;
  return (
    <aside ref={panel} className="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-h" data-testid="drawer">
      <header className="card-head">
        <h2 id="drawer-h">
          Submission {submissionId}
          {detail?.simulated && <span className="tag">simulated</span>}
        </h2>
        <button ref={closeButton} type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {!detail && !error && <p className="muted">Loading…</p>}
      {detail?.submission && (
        <p className="muted clip-2">{detail.submission.title === null ? 'untitled' : visibleControls(detail.submission.title)}</p>
      )}
      {r && (
        <>
          <p>
            <span className={`status status-${r.status}`}>{r.status}</span> · score {fmtNum(r.score)} · {fmtInt(r.callsUsed)} calls · judged by{' '}
            <span data-testid="judged-by">{fmtJudgedBy(r.rules)}</span>
            {r.undeterminedPoints > 0 && ` · ${fmtNum(r.undeterminedPoints)} points undetermined`}
          </p>
          {r.error && (
            <p role="alert" className="error-text">
              Error: {r.error}
            </p>
          )}
          <h3>Rules</h3>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Verdict</th>
                <th scope="col">Points</th>
                <th scope="col">Reason</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {r.rules.map((rule) => (
                <tr key={rule.ruleId}>
                  <td>{rule.name}</td>
                  <td>
                    <span className={`verdict verdict-${rule.verdict}`}>{rule.verdict}</span>
                  </td>
                  <td>
                    {fmtNum(rule.earned)} / {fmtNum(rule.points)}
                  </td>
                  <td>{rule.reason}</td>
                  <td>{PROVIDER_LABEL[rule.source] ?? rule.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.timeline && <SubmissionTimeline steps={r.timeline} />}
          <h3>Calls ({r.calls.length})</h3>
          {r.calls.length === 0 ? (
            <p className="muted">No provider calls (deterministic rules or cache).</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Call</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Tokens in/out</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {r.calls.map((c, i) => (
                  <tr key={i}>
                    <td>{fmtClock(c.startedAt)}</td>
                    <td>{c.kind}</td>
                    <td>
                      {PROVIDER_LABEL[c.provider]} <span className="muted">{c.model}</span>
                    </td>
                    <td>{c.attempt}</td>
                    <td>{fmtDuration(c.latencyMs)}</td>
                    <td>
                      {fmtInt(c.inputTokens)} / {fmtInt(c.outputTokens)}
                    </td>
                    <td className={c.outcome === 'ok' ? undefined : 'error-text'} title={c.message}>
                      {c.outcome}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </aside>
  );
}
