// The audit log: who changed what, when, from what to what, and why. Append-only, enforced by triggers
// in the schema (an UPDATE or DELETE raises), so not even a bug in this app can rewrite history.
import type { Db } from './db';

export interface AuditInput {
  actor: string;
  action: string;
  target?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  append(e: AuditInput): AuditEntry {
    if (!e.actor.trim() || !e.action.trim()) throw new Error('an audit entry needs an actor and an action');
    const info = this.db
      .prepare('INSERT INTO audit_log (at, actor, action, target, before_json, after_json, reason) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(this.now(), e.actor, e.action, e.target ?? null, json(e.before), json(e.after), e.reason ?? null);
    return this.list({ afterId: Number(info.lastInsertRowid) - 1, limit: 1 })[0] as AuditEntry; // ids ascend: the row just written
  }

  /** Entries oldest first, after `afterId` (for paging), at most `limit`. */
  list(opts: { afterId?: number; limit?: number } = {}): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(opts.afterId ?? 0, opts.limit ?? -1) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: parse(r.before_json),
      after: parse(r.after_json),
      reason: r.reason,
    }));
  }
}
