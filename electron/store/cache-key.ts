// The response cache key: a SHA-256 over everything that decides a reply (docs/domain.md §5), so a re-run of the
// same batch with the same model and prompts costs zero calls, and any change of input misses.
import { createHash } from 'node:crypto';
import type { CallKind } from '../../shared/provider';

export interface CacheKeyInput {
  model: string;
  promptVersion: string;
  kind: CallKind;
  /** The row fields the prompt uses (title, theme, declared mode...). */
  fields: Record<string, unknown>;
  /** SHA-256 of each attachment sent (PDF, photos), in the order sent. */
  attachmentHashes: readonly string[];
}

/** JSON with object keys sorted, so equal inputs give equal bytes whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function cacheKey(input: CacheKeyInput): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}
