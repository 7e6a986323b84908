// One submission: every rule's verdict and reason, and its call history.
import { useEffect, useRef, useState } from 'react';
import type { CommandOutput } from '../../../shared/api';
import type { CallRecord, RuleResult } from '../../../shared/domain';
import { CompactTable, type Column } from '../../components/CompactTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PROVIDER_LABEL, fmtClock, fmtJudgedBy, fmtDuration, fmtInt, fmtNum } from '../../components/format';
import { useFocusTrap } from '../../components/useFocusTrap';
import { visibleControls } from '../../components/visible-controls';
import { api } from '../../platform';
import { SubmissionTimeline } from './SubmissionTimeline';

type Detail = CommandOutput<'getSubmission'>;

const RULE_COLUMNS: readonly Column<RuleResult>[] = [
  { header: 'Rule', cell: (rule) => rule.name },
  { header: 'Verdict', cell: (rule) => <span className={`verdict verdict-${rule.verdict}`}>{rule.verdict}</span> },
  { header: 'Points', cell: (rule) => `${fmtNum(rule.earned)} / ${fmtNum(rule.points)}` },
  { header: 'Reason', cell: (rule) => rule.reason },
  { header: 'By', cell: (rule) => PROVIDER_LABEL[rule.source] ?? rule.source },
];

const CALL_COLUMNS: readonly Column<CallRecord>[] = [
  { header: 'Started', cell: (c) => fmtClock(c.startedAt) },
  { header: 'Call', cell: (c) => c.kind },
  {
    header: 'Provider',
    cell: (c) => (
      <>
        {PROVIDER_LABEL[c.provider]} <span className="muted">{c.model}</span>
      </>
    ),
  },
  { header: 'Attempt', cell: (c) => c.attempt },
  { header: 'Latency', cell: (c) => fmtDuration(c.latencyMs) },
  { header: 'Tokens in/out', cell: (c) => `${fmtInt(c.inputTokens)} / ${fmtInt(c.outputTokens)}` },
  { header: 'Outcome', cell: (c) => c.outcome, className: (c) => (c.outcome === 'ok' ? undefined : 'error-text'), title: (c) => c.message },
];

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
      <ErrorAlert message={error} />
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
          <ErrorAlert message={r.error && `Error: ${r.error}`} />
          <h3>Rules</h3>
          <CompactTable columns={RULE_COLUMNS} rows={r.rules} rowKey={(rule) => rule.ruleId} />
          {r.timeline && <SubmissionTimeline steps={r.timeline} />}
          <h3>Calls ({r.calls.length})</h3>
          {r.calls.length === 0 ? (
            <p className="muted">No provider calls (deterministic rules or cache).</p>
          ) : (
            <CompactTable columns={CALL_COLUMNS} rows={r.calls} rowKey={(_, i) => i} />
          )}
        </>
      )}
    </aside>
  );
}
