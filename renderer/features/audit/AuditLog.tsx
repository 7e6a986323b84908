// The append-only audit log (docs/console.md §8): every operator action and breaker transition, newest first,
// paged, in plain words, filtered by kind and provider.
import { useEffect, useMemo, useState } from 'react';
import type { AuditEntry, RunSummary } from '../../../shared/api';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/provider';
import { CompactTable, type Column } from '../../components/CompactTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PROVIDER_LABEL, fmtDateTime, fmtInt } from '../../components/format';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectAuditVersion } from '../../stores/selectors';
import { AUDIT_KINDS, AUDIT_KIND_LABEL, auditChange, auditKind, auditProviders, auditTarget, auditWhat, type AuditKind } from './audit-text';

const PAGE = 100;

const columns = (runs: ReadonlyMap<string, RunSummary>): Column<AuditEntry>[] => [
  { header: 'When', cell: (e) => fmtDateTime(e.at) },
  { header: 'Who', cell: (e) => e.actor },
  { header: 'What', cell: auditWhat },
  { header: 'Target', cell: (e) => auditTarget(e, runs) },
  {
    header: 'Change',
    cell: (e) => {
      const lines = auditChange(e);
      return lines.length === 0 ? '—' : lines.map((l) => <div key={l}>{l}</div>);
    },
  },
  { header: 'Reason', cell: (e) => e.reason ?? '—' },
];

export function AuditLog() {
  const version = useLive(selectAuditVersion);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; entries: AuditEntry[] } | null>(null);
  const [runs, setRuns] = useState<ReadonlyMap<string, RunSummary>>(new Map());
  const [kind, setKind] = useState<AuditKind | 'all'>('all');
  const [provider, setProvider] = useState<ProviderId | 'all'>('all');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.readAuditLog({ offset, limit: PAGE }).then(setPage, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    api.listRuns({}).then(
      (list) => setRuns(new Map(list.map((r) => [r.runId, r]))),
      () => undefined,
    );
  }, [offset, version]);

  const shown = useMemo(
    () =>
      (page?.entries ?? []).filter((e) => (kind === 'all' || auditKind(e) === kind) && (provider === 'all' || auditProviders(e).includes(provider))),
    [page, kind, provider],
  );

  return (
    <section aria-labelledby="audit-h" className="screen">
      <header className="screen-head">
        <h1 id="audit-h">Audit log</h1>
        {page && <p className="muted">{fmtInt(page.total)} entries</p>}
      </header>
      <ErrorAlert message={error} />
      <section className="card">
        <div className="audit-filters">
          <label className="inline-field">
            <span>Kind</span>
            <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as AuditKind | 'all')}>
              <option value="all">All kinds</option>
              {AUDIT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {AUDIT_KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>Provider</span>
            <select aria-label="Provider" value={provider} onChange={(e) => setProvider(e.currentTarget.value as ProviderId | 'all')}>
              <option value="all">All providers</option>
              {PROVIDER_IDS.map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_LABEL[p] ?? p}
                </option>
              ))}
            </select>
          </label>
          {page && shown.length !== page.entries.length && (
            <span className="muted">
              {fmtInt(shown.length)} of {fmtInt(page.entries.length)} on this page
            </span>
          )}
        </div>
        <CompactTable className="audit" columns={columns(runs)} rows={shown} rowKey={(e) => e.id} rowTestId="audit-row" />
        {shown.length === 0 && <p className="muted">{page?.entries.length ? 'No entry matches the filters.' : 'Nothing yet.'}</p>}
        <div className="row-buttons">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <button type="button" disabled={!page || offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </div>
      </section>
    </section>
  );
}
