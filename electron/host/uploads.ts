// Files and folders the browser uploads, kept in a per-launch temp folder and referred to by random ids.
// A folder upload keeps its relative paths (the attachments tree); a path that could escape the folder is refused.
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploadTooLarge, uploadsOverTotal } from '../batch/ingest/refusals';

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 413,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadCaps {
  /** Largest single file, bytes. */
  maxFileBytes: number;
  /** All uploads of this launch together, bytes. */
  maxTotalBytes: number;
  /** Files in one folder upload. */
  maxFolderFiles: number;
}

export const DEFAULT_UPLOAD_CAPS: UploadCaps = { maxFileBytes: 256 * 2 ** 20, maxTotalBytes: 20 * 2 ** 30, maxFolderFiles: 200_000 };

/**
 * Split a browser-supplied relative path ("monthlyReport/report/a.pdf") into safe segments.
 * Refuses absolute paths, drive letters, backslashes, `.`/`..` and empty segments, and control characters.
 */
export function safeSegments(rel: string): string[] {
  if (rel.length === 0 || rel.length > 1024) throw new UploadError('upload path must be 1–1024 characters', 400);
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f]/.test(rel)) throw new UploadError(`upload path "${rel}" has a backslash or control character`, 400);
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) throw new UploadError(`upload path "${rel}" is absolute`, 400);
  const segments = rel.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw new UploadError(`upload path "${rel}" has an empty, "." or ".." segment`, 400);
  }
  return segments;
}

interface Upload {
  kind: 'file' | 'folder';
  /** The file itself, or the folder root. */
  path: string;
  files: number;
}

const ROOT_PREFIX = 'event-validator-uploads-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Upload folders left by a host that could not clean up (SIGKILL, power loss): their owner pid is gone. */
async function sweepOrphans(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [])) {
    if (!name.startsWith(ROOT_PREFIX)) continue;
    const pid = Number(name.slice(ROOT_PREFIX.length).split('-')[0]);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

export class UploadStore {
  private readonly uploads = new Map<string, Upload>();
  private totalBytes = 0;
  /** Uploads hold submitters' files: they go with the process however it ends (an uncaught error included). */
  private readonly removeOnExit = () => rmSync(this.root, { recursive: true, force: true });

  private constructor(
    readonly root: string,
    private readonly caps: UploadCaps,
  ) {
    process.once('exit', this.removeOnExit);
  }

  static async create(caps: UploadCaps = DEFAULT_UPLOAD_CAPS): Promise<UploadStore> {
    await sweepOrphans(tmpdir());
    return new UploadStore(await mkdtemp(path.join(tmpdir(), `${ROOT_PREFIX}${process.pid}-`)), caps);
  }

  /** A single file (the batch CSV/XLSX). */
  async saveFile(name: string, body: Readable): Promise<{ id: string; name: string; bytes: number }> {
    const [base, ...rest] = safeSegments(name);
    if (base === undefined || rest.length > 0) throw new UploadError(`file name "${name}" must not contain "/"`, 400);
    const id = this.newId();
    const dir = path.join(this.root, id);
    await mkdir(dir);
    const file = path.join(dir, base);
    const bytes = await this.write(file, body);
    this.uploads.set(id, { kind: 'file', path: file, files: 1 });
    return { id, name: base, bytes };
  }

  /** An empty folder upload (the attachments root); fill it with saveIntoFolder. */
  async createFolder(): Promise<{ id: string }> {
    const id = this.newId();
    const dir = path.join(this.root, id);
    await mkdir(dir);
    this.uploads.set(id, { kind: 'folder', path: dir, files: 0 });
    return { id };
  }

  async saveIntoFolder(id: string, rel: string, body: Readable): Promise<{ bytes: number }> {
    const folder = this.uploads.get(id);
    if (!folder || folder.kind !== 'folder') throw new UploadError(`no folder upload "${id}"`, 404);
    const segments = safeSegments(rel);
    if (folder.files >= this.caps.maxFolderFiles) throw new UploadError(`a folder upload holds at most ${this.caps.maxFolderFiles} files`, 413);
    const file = path.join(folder.path, ...segments);
    // Belt and braces: the joined path must still be inside the folder.
    if (!file.startsWith(folder.path + path.sep)) throw new UploadError(`upload path "${rel}" escapes the folder`, 400);
    await mkdir(path.dirname(file), { recursive: true });
    folder.files++;
    return { bytes: await this.write(file, body) };
  }

  /** The absolute path behind an upload id, or undefined. */
  resolve(id: string): string | undefined {
    return this.uploads.get(id)?.path;
  }

  async dispose(): Promise<void> {
    process.off('exit', this.removeOnExit);
    this.uploads.clear();
    await rm(this.root, { recursive: true, force: true });
  }

  private newId(): string {
    return randomBytes(12).toString('base64url');
  }

  /**
   * Stream to disk, counting bytes against both caps. Past a cap the rest of the body is read and dropped (so the
   * client still gets its 413 instead of a reset connection), and the partial file is deleted.
   */
  private async write(file: string, body: Readable): Promise<number> {
    let bytes = 0;
    let over: 'file' | 'total' | null = null;
    const { caps } = this;
    const room = () => Math.min(caps.maxFileBytes, caps.maxTotalBytes - this.totalBytes);
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (over === null && bytes > room()) over = bytes > caps.maxFileBytes ? 'file' : 'total';
        done(null, over === null ? chunk : undefined);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(file, { flags: 'wx' }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UploadError(`"${path.basename(file)}" was uploaded twice`, 400);
      await unlink(file).catch(() => undefined);
      throw err;
    }
    if (over !== null) {
      await unlink(file);
      // The whole body was read (and dropped), so the refusal can give the file's real size.
      throw new UploadError(
        over === 'file' ? uploadTooLarge(path.basename(file), bytes, caps.maxFileBytes) : uploadsOverTotal(path.basename(file), caps.maxTotalBytes),
        413,
      );
    }
    this.totalBytes += bytes;
    return bytes;
  }
}
