// The before→after lines of a settings change (config or rules), for the settings screen and the audit log.

export interface Change {
  /** Dotted path, e.g. "providers.gemini.rpm" or "3.points" for an array index. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Leaf-level differences between two JSON values, in key order. */
export function diffValues(before: unknown, after: unknown, path = ''): Change[] {
  const bothObjects = typeof before === 'object' && before !== null && typeof after === 'object' && after !== null;
  if (!bothObjects || Array.isArray(before) !== Array.isArray(after)) {
    return Object.is(before, after) ? [] : [{ path: path || '(root)', before, after }];
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.flatMap((k) => diffValues(b[k], a[k], path ? `${path}.${k}` : k));
}
