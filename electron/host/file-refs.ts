// The web host's side of file references. Upload ids in command inputs become the uploaded file's path before the
// Api sees them; a `{kind:'path'}` ref from the browser is honoured only inside a root the operator configured for
// this host (none by default), after symlinks are resolved, so a token holder cannot preview /etc/passwd or make `/`
// the attachments root. The browser's own picks and drops arrive as uploads. See docs/security.md.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { FileRef } from '../../shared/api';
import { CommandRefused } from '../api-dispatch';
import type { UploadStore } from './uploads';

function isRef(v: unknown): v is FileRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { kind?: unknown; id?: unknown; path?: unknown };
  return (r.kind === 'upload' && typeof r.id === 'string') || (r.kind === 'path' && typeof r.path === 'string');
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** Real paths of the configured roots; a filesystem root is never one (it would allow everything). */
export function fileRoots(roots: readonly string[]): string[] {
  return roots.map((r) => realOrNull(path.resolve(r))).filter((r): r is string => r !== null && path.parse(r).root !== r);
}

function allowedPath(p: string, roots: readonly string[]): string {
  const real = path.isAbsolute(p) ? realOrNull(p) : null;
  if (real && roots.some((root) => real === root || real.startsWith(root + path.sep))) return real;
  throw new CommandRefused('forbidden', `the path "${p}" is not under a folder this host may read: upload the file or folder instead`);
}

/** A copy of a validated command input with every upload ref replaced by its path and every path ref checked. */
export function resolveRefs<T>(input: T, uploads: UploadStore, roots: readonly string[]): T {
  if (isRef(input)) {
    if (input.kind === 'path') return { kind: 'path', path: allowedPath(input.path, roots) } as T;
    const file = uploads.resolve(input.id);
    if (!file) throw new CommandRefused('bad_request', `no upload "${input.id}" in this session (upload the file again)`);
    return { kind: 'path', path: file } as T;
  }
  if (Array.isArray(input)) return input.map((v: unknown) => resolveRefs(v, uploads, roots)) as T;
  if (typeof input === 'object' && input !== null) {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, resolveRefs(v, uploads, roots)])) as T;
  }
  return input;
}
