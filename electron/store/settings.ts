// Operator settings as JSON values by key (config patch, rules edits, ...). Every change is audited
// in the same transaction, with the value before and after.
import type { AuditLog } from './audit';
import type { Db } from './db';

export interface ChangeBy {
  actor: string;
  reason?: string;
}

export class Settings {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  get(key: string): unknown {
    const s = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return s === undefined ? undefined : (JSON.parse(s) as unknown);
  }

  set(key: string, value: unknown, by: ChangeBy): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`setting ${key}: value is not JSON`);
    this.db.transaction(() => {
      const before = this.get(key);
      this.db
        .prepare(
          `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
        )
        .run(key, json, this.now());
      this.audit.append({ actor: by.actor, action: 'setting.changed', target: key, before, after: value, reason: by.reason });
    })();
  }
}
