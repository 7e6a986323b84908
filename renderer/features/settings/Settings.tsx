// Limits & settings: live limits, rules, API keys.
import { ApiKeys } from './ApiKeys';
import { LimitsForm } from './LimitsForm';
import { RulesForm } from './RulesForm';

export function Settings() {
  return (
    <section aria-labelledby="settings-h" className="screen">
      <header className="screen-head">
        <h1 id="settings-h">Limits &amp; settings</h1>
      </header>
      <ApiKeys />
      <LimitsForm />
      <RulesForm />
    </section>
  );
}
