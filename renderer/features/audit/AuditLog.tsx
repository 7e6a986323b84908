// The append-only audit log: every operator action and breaker transition, newest first, paged.
import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../shared/api';
import { fmtDateTime, fmtInt } from '../../components/format';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectAuditVersion } from '../../stores/selectors';

const PAGE = 100;

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function AuditLog() {
  const version = useLive(selectAuditVersion);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; entries: AuditEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.readAuditLog({ offset, limit: PAGE }).then(setPage, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [offset, version]);

  return (
    <section aria-labelledby="audit-h" className="screen">
      <header className="screen-head">
        <h1 id="audit-h">Audit log</h1>
        {page && <p className="muted">{fmtInt(page.total)} entries</p>}
      </header>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <section className="card">
        <table className="compact audit">
          <thead>
            <tr>
              {['When', 'Who', 'What', 'Target', 'Before', 'After', 'Reason'].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page?.entries.map((e) => (
              <tr key={e.id}>
                <td>{fmtDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action.replace(/_/g, ' ')}</td>
                <td>{e.target ?? '—'}</td>
                <td className="clip" title={show(e.before)}>
                  {show(e.before)}
                </td>
                <td className="clip" title={show(e.after)}>
                  {show(e.after)}
                </td>
                <td>{e.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page?.entries.length === 0 && <p className="muted">Nothing yet.</p>}
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
