// The web host's side of file references: upload ids in command inputs become paths before the Api sees them.
import type { FileRef } from '../../shared/api';
import { CommandRefused } from '../api-dispatch';
import type { UploadStore } from './uploads';

function isUploadRef(v: unknown): v is Extract<FileRef, { kind: 'upload' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'upload' && typeof (v as { id?: unknown }).id === 'string';
}

/** A copy of a validated command input with every `{kind:'upload'}` ref replaced by the uploaded file's path. */
export function resolveUploads<T>(input: T, uploads: UploadStore): T {
  if (isUploadRef(input)) {
    const file = uploads.resolve(input.id);
    if (!file) throw new CommandRefused('bad_request', `no upload "${input.id}" in this session (upload the file again)`);
    return { kind: 'path', path: file } as T;
  }
  if (Array.isArray(input)) return input.map((v: unknown) => resolveUploads(v, uploads)) as T;
  if (typeof input === 'object' && input !== null) {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, resolveUploads(v, uploads)])) as T;
  }
  return input;
}
