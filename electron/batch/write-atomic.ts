// Write a file so that readers (and a crash) only ever see the old content or the complete new one:
// write a hidden temp file beside it, flush it to disk, then rename it over the target. A temp file left by a
// killed writer (its pid is gone) is removed on the next write to the same target.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../store/run-lock';

function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The leftover temp files of `file` whose writer is gone, among a folder's names. */
function staleTemps(file: string, names: readonly string[]): string[] {
  const prefix = `.${basename(file)}.`;
  return names.flatMap((n) => {
    const m = n.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(n.slice(prefix.length)) : null;
    return m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1])) ? [join(dirname(file), n)] : [];
  });
}

export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = tempName(file);
  try {
    await mkdir(dirname(file), { recursive: true });
    for (const old of staleTemps(file, await readdir(dirname(file)))) await unlink(old).catch(() => undefined);
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined); // nothing to clean when the temp file was never created
    throw e;
  }
}

/** The same, synchronously, for small files written with a mode (the key file: owner-only). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode: number): void {
  const tmp = tempName(file);
  for (const old of staleTemps(file, readdirSync(dirname(file)))) {
    try {
      unlinkSync(old);
    } catch {
      // another process cleaned it first
    }
  }
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}
