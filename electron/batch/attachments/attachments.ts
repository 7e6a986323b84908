// Attachment resolution against the operator's attachments root (docs/domain.md §2). In order:
// (a) root + the path without its leading "/"; (b) for event_driven 3/4, root + "uploads/institutes/" + path;
// (c) the one file with the same base name anywhere under the root. A leading "/" means "from the root"
// (that is how exports write paths), so "/etc/passwd" is looked up as <root>/etc/passwd. Anything that
// could leave the root (a ".." segment, a drive or UNC path, a symlink whose target is outside) is refused
// before any file is opened; only candidates whose real path is inside the root are ever returned.
import { mkdtemp, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildBasenameIndex, type BasenameIndex } from './basename-index';
import { downloadAttachment } from './download';

export type AttachmentVia = 'direct' | 'uploads_institutes' | 'basename' | 'download';
export type AttachmentFailure = 'escape' | 'missing' | 'ambiguous' | 'url_disabled' | 'download_failed' | 'invalid';

export type AttachmentResolution =
  { ok: true; raw: string; path: string; via: AttachmentVia } | { ok: false; raw: string; code: AttachmentFailure; reason: string };

export interface AttachmentOptions {
  allowUrlDownloads?: boolean;
  /** Where downloads go; a fresh temp folder by default. */
  downloadDir?: string;
  maxDownloadBytes?: number;
  downloadTimeoutMs?: number;
}

export interface AttachmentResolver {
  readonly root: string;
  resolve(raw: string, eventDriven: number | null): Promise<AttachmentResolution>;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

export async function createAttachmentResolver(root: string, opts: AttachmentOptions = {}): Promise<AttachmentResolver> {
  const realRoot = await realpath(root);
  let index: Promise<BasenameIndex> | null = null; // built on first need, once per batch
  let downloadDir: Promise<string> | null = null;
  const downloads = new Map<string, Promise<AttachmentResolution>>();

  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + path.sep);

  /** The candidate's real path when it is a regular file inside the root; 'outside' when it leads out. */
  async function check(candidate: string): Promise<string | 'outside' | null> {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return null;
    }
    if (!inside(real)) return 'outside';
    try {
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  }

  async function resolveUrl(raw: string): Promise<AttachmentResolution> {
    if (!opts.allowUrlDownloads) return { ok: false, raw, code: 'url_disabled', reason: 'URL attachments are disabled' };
    downloadDir ??= opts.downloadDir ? Promise.resolve(opts.downloadDir) : mkdtemp(path.join(os.tmpdir(), 'event-validator-downloads-'));
    const got = await downloadAttachment(raw, {
      dir: await downloadDir,
      maxBytes: opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
      timeoutMs: opts.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
    });
    return got.ok ? { ok: true, raw, path: got.path, via: 'download' } : { ok: false, raw, code: 'download_failed', reason: got.reason };
  }

  async function resolve(raw: string, eventDriven: number | null): Promise<AttachmentResolution> {
    const refuse = (code: AttachmentFailure, reason: string): AttachmentResolution => ({ ok: false, raw, code, reason });
    const text = raw.trim();
    if (text === '' || text.includes('\0')) return refuse('invalid', 'not a usable file path');
    if (/^https?:\/\//i.test(text)) {
      let once = downloads.get(text);
      if (!once) downloads.set(text, (once = resolveUrl(text)));
      return once;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return refuse('escape', `"${text}" is not a file under the attachments root`);
    const slashed = text.replace(/\\/g, '/');
    if (/^[a-z]:\//i.test(slashed) || slashed.startsWith('//')) {
      return refuse('escape', `"${text}" is an absolute path outside the attachments root`);
    }
    const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) return refuse('escape', `"${text}" climbs out of the attachments root with ".."`);
    if (segments.length === 0) return refuse('invalid', 'not a usable file path');

    // An absolute path that already points into the root is taken as it stands.
    const underRoot = [realRoot, path.resolve(root)].find((r) => slashed.startsWith(r.replace(/\\/g, '/') + '/'));
    const relative = underRoot ? slashed.slice(underRoot.length + 1) : segments.join('/');

    const candidates: [AttachmentVia, string][] = [['direct', path.join(realRoot, relative)]];
    if (eventDriven === 3 || eventDriven === 4) candidates.push(['uploads_institutes', path.join(realRoot, 'uploads', 'institutes', relative)]);
    for (const [via, candidate] of candidates) {
      const found = await check(candidate);
      if (found === 'outside') return refuse('escape', `"${text}" is a link that points outside the attachments root`);
      if (found) return { ok: true, raw, path: found, via };
    }

    const base = segments[segments.length - 1]!;
    index ??= buildBasenameIndex(realRoot);
    const matches = (await index).get(base) ?? [];
    const usable: string[] = [];
    let outside = false;
    for (const m of matches) {
      const found = await check(m);
      if (found === 'outside') outside = true;
      else if (found) usable.push(found);
    }
    const unique = [...new Set(usable)];
    if (unique.length === 1) return { ok: true, raw, path: unique[0]!, via: 'basename' };
    if (unique.length > 1)
      return refuse('ambiguous', `"${text}" is not at its path, and ${unique.length} files named "${base}" are under the attachments root`);
    if (outside) return refuse('escape', `"${text}": the only file named "${base}" is a link that points outside the attachments root`);
    return refuse('missing', `"${text}" was not found under the attachments root`);
  }

  return { root: realRoot, resolve };
}
