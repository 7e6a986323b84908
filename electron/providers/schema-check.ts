// Checks a reply against the request's JSON schema (the subset in shared/provider.ts). A reply that doesn't fit is
// a failed call ('malformed'), never a "NO".
import type { JsonSchema } from '../../shared/provider';

/** The first problem with `value` under `schema`, or null when it fits. */
export function schemaProblem(value: unknown, schema: JsonSchema, path = 'reply'): string | null {
  if (value === null) return schema.nullable ? null : `${path}: null is not allowed`;
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return `${path}: expected an object`;
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in obj)) return `${path}.${key}: missing`;
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (obj[key] === undefined) continue;
        const p = schemaProblem(obj[key], sub, `${path}.${key}`);
        if (p) return p;
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return `${path}: expected an array`;
      if (!schema.items) return null;
      for (let i = 0; i < value.length; i++) {
        const p = schemaProblem(value[i], schema.items, `${path}[${i}]`);
        if (p) return p;
      }
      return null;
    }
    case 'integer':
      return Number.isInteger(value) ? null : `${path}: expected an integer`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${path}: expected a number`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path}: expected true or false`;
    case 'string':
      return typeof value === 'string' ? null : `${path}: expected a string`;
  }
}

/** Our replies are a few hundred characters and two levels deep; anything far past that is not an answer. */
export const MAX_REPLY_CHARS = 256 * 1024;
export const MAX_REPLY_DEPTH = 32;

/** The deepest nesting of objects and arrays in JSON text, strings skipped; stops counting past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Parse a reply's text as JSON and check it; a fenced ```json block is accepted (models add fences). Size and depth
 * are bounded before parsing (docs/providers.md §5): a hostile reply is malformed, never a stack overflow further on.
 */
export function parseReply(text: string, schema: JsonSchema): { ok: true; json: unknown } | { ok: false; problem: string } {
  if (text.length > MAX_REPLY_CHARS) return { ok: false, problem: `reply is ${text.length} characters, over the ${MAX_REPLY_CHARS} limit` };
  if (jsonDepth(text, MAX_REPLY_DEPTH) > MAX_REPLY_DEPTH) return { ok: false, problem: `reply nests deeper than ${MAX_REPLY_DEPTH} levels` };
  const body = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const preview = body.length > 80 ? `${body.slice(0, 80)}…` : body;
    return { ok: false, problem: `reply is not valid JSON: ${JSON.stringify(preview)}` };
  }
  const problem = schemaProblem(json, schema);
  return problem ? { ok: false, problem } : { ok: true, json };
}
