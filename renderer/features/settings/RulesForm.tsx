// The rules table: enable flags, points and thresholds, saved as one change.
import { useEffect, useState } from 'react';
import { diffValues } from '../../../shared/api-diff';
import type { RuleDefinition } from '../../../shared/domain';
import { api } from '../../platform';
import { useSession } from '../../stores/session';

export function RulesForm() {
  const [rules, setRules] = useState<RuleDefinition[] | null>(null);
  const [draft, setDraft] = useState<RuleDefinition[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    api.getRules({}).then(
      (r) => {
        setRules(r);
        setDraft(r);
      },
      (e: unknown) => setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) }),
    );
  }, []);
  const setUnsaved = useSession((s) => s.setUnsaved);
  const pendingCount = rules && draft ? diffValues(rules, draft).length : 0;
  useEffect(() => setUnsaved('rules', pendingCount), [setUnsaved, pendingCount]);
  useEffect(() => () => setUnsaved('rules', 0), [setUnsaved]);
  if (!rules || !draft) return null;

  const edit = (i: number, patch: Partial<RuleDefinition>) => setDraft((d) => d && d.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const pending = diffValues(rules, draft).length;
  const total = draft.filter((r) => r.enabled).reduce((s, r) => s + r.points, 0);

  async function save() {
    if (!draft) return;
    try {
      const r = await api.updateRules({ rules: draft });
      setRules(r.after);
      setDraft(r.after);
      const changes = diffValues(r.before, r.after).map(
        (c) => `${r.after[Number(c.path.split('.')[0])]?.name ?? c.path} ${c.path.split('.')[1]}: ${String(c.before)} → ${String(c.after)}`,
      );
      setMessage({ ok: true, text: changes.length ? `Saved: ${changes.join('; ')}` : 'Saved: nothing changed' });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  }

  return (
    <section className="card" aria-labelledby="rules-h">
      <h2 id="rules-h">Rules</h2>
      <p className="muted">Maximum score with the enabled rules: {total}</p>
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Enabled</th>
            <th scope="col">Rule</th>
            <th scope="col">Category</th>
            <th scope="col">Points</th>
            <th scope="col">Threshold</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((r, i) => (
            <tr key={r.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Enable ${r.name}`}
                  checked={r.enabled}
                  onChange={(e) => edit(i, { enabled: e.currentTarget.checked })}
                />
              </td>
              <td>{r.name}</td>
              <td>{r.category}</td>
              <td>
                <input
                  className="narrow"
                  type="number"
                  aria-label={`Points for ${r.name}`}
                  value={r.points}
                  onChange={(e) => edit(i, { points: Number(e.currentTarget.value) })}
                />
              </td>
              <td>
                {r.threshold !== undefined && (
                  <input
                    className="narrow"
                    type="number"
                    aria-label={`Threshold for ${r.name}`}
                    value={r.threshold}
                    onChange={(e) => edit(i, { threshold: Number(e.currentTarget.value) })}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {message && (
        <p role="status" className={message.ok ? 'inline-result ok' : 'inline-result error'}>
          {message.text}
        </p>
      )}
      <div className="row-buttons">
        <button type="button" className="primary" disabled={pending === 0} onClick={() => void save()}>
          Save rules{pending ? ` (${pending} changes)` : ''}
        </button>
      </div>
    </section>
  );
}
