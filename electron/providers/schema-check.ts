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

/** Parse a reply's text as JSON and check it; a fenced ```json block is accepted (models add fences). */
export function parseReply(text: string, schema: JsonSchema): { ok: true; json: unknown } | { ok: false; problem: string } {
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
