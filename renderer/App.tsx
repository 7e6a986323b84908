// The console shell: navigation, the simulated-provider and no-provider banners, the alert tray, and the current screen.
import { NoProviderBanner } from './components/NoProviderBanner';
import { AlertTray } from './features/alerts/AlertTray';
import { AuditLog } from './features/audit/AuditLog';
import { Batches } from './features/batches/Batches';
import { Dashboard } from './features/dashboard/Dashboard';
import { Settings } from './features/settings/Settings';
import { useLive } from './stores';
import { selectSimulated } from './stores/selectors';
import { unsavedCount, useSession, type Screen } from './stores/session';

const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'batches', label: 'Batches' },
  { id: 'settings', label: 'Limits & settings' },
  { id: 'audit', label: 'Audit log' },
];

export function App() {
  const screen = useSession((s) => s.screen);
  const go = useSession((s) => s.go);
  const unsaved = useSession(unsavedCount);
  /** Leaving the settings with edits not saved asks first: the forms' drafts do not survive the screen. */
  const leave = (to: Screen) => {
    const n = screen === 'settings' && to !== 'settings' ? unsaved : 0;
    if (n > 0 && !window.confirm(`Limits & settings has ${n} unsaved change${n === 1 ? '' : 's'}. Leave and drop ${n === 1 ? 'it' : 'them'}?`))
      return;
    go(to);
  };
  const simulated = useLive(selectSimulated);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Event Validator</span>
        <nav aria-label="Screens">
          {SCREENS.map((s) => (
            <button key={s.id} type="button" className="nav" aria-current={screen === s.id ? 'page' : undefined} onClick={() => leave(s.id)}>
              {s.label}
            </button>
          ))}
        </nav>
        <AlertTray />
      </header>
      {simulated && (
        <p className="banner simulated" role="note" data-testid="simulated-banner">
          Simulated provider: no API key is set. Calls go to the built-in simulator; its results are labelled “simulated”.
        </p>
      )}
      <NoProviderBanner />
      <main>
        {screen === 'dashboard' && <Dashboard />}
        {screen === 'batches' && <Batches />}
        {screen === 'settings' && <Settings />}
        {screen === 'audit' && <AuditLog />}
      </main>
    </div>
  );
}
