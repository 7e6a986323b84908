// Shown on every screen while no provider can take a call: what is wrong with each, and what the operator can do.
import { useEngineNow } from './useEngineNow';
import { useLive } from '../stores';
import { useSession } from '../stores/session';
import { noProviderCanServe } from '../features/dashboard/provider-status';

export function NoProviderBanner() {
  const providers = useLive((s) => s.snapshot?.providers);
  const now = useEngineNow();
  const screen = useSession((s) => s.screen);
  const go = useSession((s) => s.go);
  const why = providers && now !== null ? noProviderCanServe(providers, now) : null;
  if (!why) return null;
  return (
    <div className="banner no-provider" role="alert" data-testid="no-provider-banner">
      <p>
        <strong>No provider can serve:</strong> {why.join('; ')}. New calls wait, and rows whose LLM rules cannot be judged go to Review. Reset a
        breaker or resume a provider on the Dashboard (or pause the batch); afterwards, Re-run undetermined settles the Review rows.
      </p>
      {screen !== 'dashboard' && (
        <button type="button" onClick={() => go('dashboard')}>
          Go to the Dashboard
        </button>
      )}
    </div>
  );
}
