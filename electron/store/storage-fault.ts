// SQLite failures that are about the disk, not the data: a full disk, a read-only file or folder, a lock held too long
// by another process. Each becomes a message naming the path and what to do, instead of a raw SQLITE_* code.
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';

export type StorageFaultKind = 'full' | 'readonly' | 'busy' | 'cantopen' | 'io';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly kind: StorageFaultKind,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export function storageFault(e: unknown, file: string): StorageError | null {
  if (e instanceof StorageError) return e;
  const code = String((e as { code?: unknown }).code ?? '');
  const folder = dirname(file);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new StorageError(
      'full',
      file,
      `the database ${file} could not be written: the disk is full. Free some space on it, then continue with --resume`,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES') {
    return new StorageError(
      'readonly',
      file,
      `the database ${file} cannot be written: it or its folder ${folder} is read-only. Make it writable or pass --db with a writable path`,
    );
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new StorageError('busy', file, `the database ${file} stayed locked by another process for too long; try again when it is idle`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StorageError(
      'cantopen',
      file,
      `the database ${file} cannot be opened: its folder ${folder} ${folderProblem(folder)}. Pass --db with a writable path`,
    );
  }
  if (code.startsWith('SQLITE_IOERR'))
    return new StorageError('io', file, `the database ${file} could not be written (${code}): check the disk, then continue with --resume`);
  return null;
}

/** Why a folder can't hold the database, as far as the file system tells. */
function folderProblem(folder: string): string {
  try {
    accessSync(folder, constants.W_OK);
    return 'refused to create or open it';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'is on a read-only file system' : code === 'ENOENT' ? 'does not exist' : 'is not writable';
  }
}
