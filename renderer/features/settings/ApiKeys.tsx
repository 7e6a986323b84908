// API keys: write-only. The screen learns only whether each key is set; the key itself never comes back.
import { useEffect, useState } from 'react';
import type { CommandOutput } from '../../../shared/api';
import type { ProviderId } from '../../../shared/provider';
import { PROVIDER_LABEL } from '../../components/format';
import { api } from '../../platform';

type KeyStatus = CommandOutput<'getKeyStatus'>;
type Report = CommandOutput<'testConnection'>;

/** Test connection: one cheap real request with the stored key; the report is the provider's answer in plain words. */
function TestConnection({ provider }: { provider: ProviderId }) {
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.testConnection({ provider }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  const ok = report !== null && report.keyOk && report.problem === null && report.models.every((m) => m.usable);
  return (
    <div className="connection-test">
      <button type="button" onClick={() => void run()} disabled={busy} data-testid={`test-connection-${provider}`}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      {error && (
        <span role="status" className="inline-result error">
          {error}
        </span>
      )}
      {report && (
        <ul role="status" className={ok ? 'inline-result ok' : 'inline-result error'} data-testid={`connection-report-${provider}`}>
          {report.summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function KeyRow({ provider, set, onSaved }: { provider: ProviderId; set: boolean; onSaved(): void }) {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const name = PROVIDER_LABEL[provider] ?? provider;
  async function save(key: string | null) {
    try {
      const r = await api.setApiKey({ provider, key });
      setValue('');
      setMessage({ ok: true, text: r.set ? `${name} key saved` : `${name} key cleared` });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  }
  return (
    <form
      className="key-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) void save(value.trim());
      }}
    >
      <label htmlFor={`key-${provider}`}>
        {name} API key: <strong data-testid={`key-status-${provider}`}>{set ? 'set' : 'not set'}</strong>
      </label>
      <input
        id={`key-${provider}`}
        type="password"
        autoComplete="off"
        value={value}
        placeholder={set ? 'enter a new key to replace it' : 'paste the key'}
        onChange={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" disabled={!value.trim()}>
        Save key
      </button>
      {set && (
        <button type="button" onClick={() => void save(null)}>
          Clear
        </button>
      )}
      {message && (
        <span role="status" className={message.ok ? 'inline-result ok' : 'inline-result error'}>
          {message.text}
        </span>
      )}
      <TestConnection provider={provider} />
    </form>
  );
}

export function ApiKeys() {
  const [status, setStatus] = useState<KeyStatus | null>(null);
  const load = () => void api.getKeyStatus({}).then(setStatus, () => undefined);
  useEffect(load, []);
  if (!status) return null;
  return (
    <section className="card" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <p className="muted">Keys are stored encrypted by the app and never shown again.</p>
      {status.simulated && (
        <p className="banner simulated" role="note">
          Simulated provider: no API key is set, so calls go to the built-in simulator and results are labelled “simulated”.
        </p>
      )}
      {status.providers.map((p) => (
        <KeyRow key={p.provider} provider={p.provider} set={p.set} onSaved={load} />
      ))}
    </section>
  );
}
