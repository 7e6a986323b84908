// Where a run's results may be written, checked before the run starts (so a bad `--out` costs no provider call):
// a known extension, an existing writable folder, and never the batch file itself or anything under the
// attachments root (an export over its own input destroys the batch and makes the run unresumable).
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { formatForFile, type ExportFormat } from './export-format';

export class ExportTargetError extends Error {
  override readonly name = 'ExportTargetError';
}

export interface ExportTarget {
  /** Absolute path as given (the rename lands here). */
  file: string;
  format: ExportFormat;
}

export interface ProtectedInputs {
  batchFile: string | null;
  attachmentsRoot: string | null;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

async function statOrNull(file: string) {
  try {
    return await stat(file);
  } catch (e) {
    if (errno(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Throws ExportTargetError naming the path and the reason; resolves to the checked target. */
export async function checkExportTarget(out: string, inputs: ProtectedInputs): Promise<ExportTarget> {
  const file = resolve(out);
  let format: ExportFormat;
  try {
    format = formatForFile(file);
  } catch (e) {
    throw new ExportTargetError(`--out ${out}: ${(e as Error).message.replace(/: .*$/, '')}`);
  }
  const folder = dirname(file);
  const dir = await statOrNull(folder);
  if (!dir || !dir.isDirectory()) throw new ExportTargetError(`--out ${out}: the folder ${folder} does not exist; create it or pick another folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (e) {
    const why = errno(e) === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new ExportTargetError(`--out ${out}: the folder ${folder} ${why}; pick a folder you can write to`);
  }
  const existing = await statOrNull(file);
  if (existing && !existing.isFile()) throw new ExportTargetError(`--out ${out}: ${file} exists and is not a regular file`);
  const real = existing ? await realpath(file) : join(await realpath(folder), basename(file));

  if (inputs.batchFile) {
    const batch = await statOrNull(inputs.batchFile);
    // Same inode catches hard links as well as symlinks and `./a/../batch.csv` spellings.
    const same = batch && existing && batch.dev === existing.dev && batch.ino === existing.ino;
    if (same || (batch && real === (await realpath(inputs.batchFile)))) {
      throw new ExportTargetError(`--out ${out} is the batch file itself (${inputs.batchFile}); writing results there would destroy the input`);
    }
  }
  if (inputs.attachmentsRoot && (await statOrNull(inputs.attachmentsRoot))) {
    const root = await realpath(inputs.attachmentsRoot);
    if (real === root || real.startsWith(root + sep)) {
      throw new ExportTargetError(`--out ${out} is inside the attachments folder ${inputs.attachmentsRoot}; write the results somewhere else`);
    }
  }
  return { file, format };
}

/** Where an unfinished run's export goes when `--out` already holds a file: `results.partial.csv` beside `results.csv`. */
export function partialSibling(file: string): string {
  return file.replace(/(\.[^./\\]+)$/, '.partial$1');
}
