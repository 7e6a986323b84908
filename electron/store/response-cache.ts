// Persisted LLM replies by content key (cache-key.ts). A hit costs no call, no budget and no quota.
import type { CallKind, ProviderId } from '../../shared/provider';
import type { Db } from './db';

export interface CachedReply {
  kind: CallKind;
  provider: ProviderId;
  model: string;
  json: unknown;
  createdAt: number;
}

interface CacheRow {
  kind: CallKind;
  provider: ProviderId;
  model: string;
  reply_json: string;
  created_at: number;
}

export class ResponseCache {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  get(key: string): CachedReply | undefined {
    const r = this.db.prepare('SELECT kind, provider, model, reply_json, created_at FROM response_cache WHERE key = ?').get(key) as
      CacheRow | undefined;
    return r && { kind: r.kind, provider: r.provider, model: r.model, json: JSON.parse(r.reply_json) as unknown, createdAt: r.created_at };
  }

  /** Store a validated reply; a later reply for the same key replaces it. */
  put(key: string, reply: Omit<CachedReply, 'createdAt'>): void {
    const json = JSON.stringify(reply.json);
    if (json === undefined) throw new Error('cache reply is not JSON');
    this.db
      .prepare(
        `INSERT INTO response_cache (key, kind, provider, model, reply_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, provider = excluded.provider, model = excluded.model,
           reply_json = excluded.reply_json, created_at = excluded.created_at`,
      )
      .run(key, reply.kind, reply.provider, reply.model, json, this.now());
  }
}
