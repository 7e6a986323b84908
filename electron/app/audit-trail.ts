// One way to write the audit log from the app: every entry goes through the store (append-only) and then to whoever
// shows it live (the console's `audit` event); the CLI, which shows nothing live, passes no listener.
import type { AuditEntry } from '../store/audit';
import type { Store } from '../store/store';

export type Audit = (action: string, target: string | null, before: unknown, after: unknown, reason?: string, actor?: string) => AuditEntry;

export function auditTrail(store: Pick<Store, 'appendAudit'>, onEntry: (e: AuditEntry) => void = () => {}): Audit {
  return (action, target, before, after, reason, actor = 'operator') => {
    const entry = store.appendAudit({ actor, action, ...(target === null ? {} : { target }), before, after, ...(reason ? { reason } : {}) });
    onEntry(entry);
    return entry;
  };
}
