// Live limits: edit any knob, review the before→after diff, save without a restart.
import { useEffect, useState } from 'react';
import { useSession } from '../../stores/session';
import type { Change } from '../../../shared/api-diff';
import type { EngineConfig } from '../../../shared/config';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/provider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PROVIDER_LABEL } from '../../components/format';
import { api } from '../../platform';
import { GLOBAL_KNOBS, getPath, knobChanges, patchOf, providerKnobs, setPath, type Knob } from './fields';

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function KnobInput({ knob, draft, onChange }: { knob: Knob; draft: EngineConfig; onChange(path: string, v: unknown): void }) {
  const value = getPath(draft, knob.path);
  const id = `knob-${knob.path}`;
  const scale = knob.scale ?? 1;
  const label = `${knob.label}${knob.unit ? ` (${knob.unit})` : ''}`;
  if (knob.kind === 'bool') {
    return (
      <label className="knob check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(knob.path, e.currentTarget.checked)} />
        <span>{label}</span>
      </label>
    );
  }
  if (knob.kind === 'mode') {
    return (
      <label className="knob" htmlFor={id}>
        <span>{label}</span>
        <select id={id} value={String(value)} onChange={(e) => onChange(knob.path, e.currentTarget.value)}>
          <option value="full">full: evaluate every rule</option>
          <option value="minimal">minimal: skip calls that can't change the status</option>
        </select>
      </label>
    );
  }
  if (knob.kind === 'order') {
    const orders = [PROVIDER_IDS, [...PROVIDER_IDS].reverse()];
    return (
      <label className="knob" htmlFor={id}>
        <span>{label}</span>
        <select id={id} value={(value as string[]).join(',')} onChange={(e) => onChange(knob.path, e.currentTarget.value.split(','))}>
          {orders.map((o) => (
            <option key={o.join(',')} value={o.join(',')}>
              {o.map((p) => PROVIDER_LABEL[p] ?? p).join(' → ')}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const auto = knob.kind === 'auto-number' && value === 'auto';
  return (
    <div className="knob">
      <label htmlFor={id}>{label}</label>
      <div className="knob-row">
        {knob.kind === 'auto-number' && (
          <label className="check">
            <input type="checkbox" checked={auto} onChange={(e) => onChange(knob.path, e.currentTarget.checked ? 'auto' : 4)} />
            <span>auto</span>
          </label>
        )}
        <input
          id={id}
          type="number"
          step={knob.step ?? 'any'}
          disabled={auto}
          value={auto ? '' : Number(value) / scale}
          onChange={(e) => onChange(knob.path, e.currentTarget.value === '' ? Number.NaN : Number(e.currentTarget.value) * scale)}
        />
      </div>
    </div>
  );
}

function DiffList({ changes, caption }: { changes: Change[]; caption: string }) {
  return (
    <div className="diff">
      <h4>{caption}</h4>
      <ul>
        {changes.map((c) => (
          <li key={c.path}>
            <code>{c.path}</code>: <span className="before">{show(c.before)}</span> → <span className="after">{show(c.after)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function LimitsForm() {
  const [config, setConfig] = useState<EngineConfig | null>(null);
  const [draft, setDraft] = useState<EngineConfig | null>(null);
  const [saved, setSaved] = useState<Change[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.getConfig({}).then(
      (c) => {
        setConfig(c);
        setDraft(c);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  const setUnsaved = useSession((s) => s.setUnsaved);
  const pendingCount = config && draft ? knobChanges(config, draft).length : 0;
  useEffect(() => setUnsaved('limits', pendingCount), [setUnsaved, pendingCount]);
  useEffect(() => () => setUnsaved('limits', 0), [setUnsaved]);

  if (!config || !draft) return <p className="muted">{error ?? 'Loading settings…'}</p>;
  const pending = knobChanges(config, draft);
  const change = (path: string, v: unknown) => {
    setSaved(null);
    setDraft((d) => (d ? setPath(d, path, v) : d));
  };

  async function save() {
    if (!config || !draft) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.updateConfig({
        patch: patchOf(
          draft,
          pending.map((c) => c.path),
        ),
      });
      setSaved(knobChanges(r.before, r.after));
      setConfig(r.after);
      setDraft(r.after);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const providers = Object.keys(config.providers) as ProviderId[];
  return (
    <section className="card" aria-labelledby="limits-h">
      <h2 id="limits-h">Limits</h2>
      <p className="muted">Changes apply to the running engine at once and are written to the audit log.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="knob-groups">
          {providers.map((p) => (
            <fieldset key={p} className="knob-group">
              <legend>{PROVIDER_LABEL[p] ?? p}</legend>
              {providerKnobs(p).map((k) => (
                <KnobInput key={k.path} knob={k} draft={draft} onChange={change} />
              ))}
            </fieldset>
          ))}
          <fieldset className="knob-group">
            <legend>Batch</legend>
            {GLOBAL_KNOBS.map((k) => (
              <KnobInput key={k.path} knob={k} draft={draft} onChange={change} />
            ))}
          </fieldset>
        </div>
        {pending.length > 0 && <DiffList caption={`Pending changes (${pending.length})`} changes={pending} />}
        <ErrorAlert message={error && `Not saved: ${error}`} />
        {saved && (
          <div role="status" className="saved">
            {saved.length === 0 ? <p>Saved: nothing changed.</p> : <DiffList caption="Saved and applied" changes={saved} />}
          </div>
        )}
        <div className="row-buttons">
          <button type="submit" className="primary" disabled={busy || pending.length === 0}>
            Save changes
          </button>
          <button type="button" disabled={busy || pending.length === 0} onClick={() => setDraft(config)}>
            Discard
          </button>
        </div>
      </form>
    </section>
  );
}
