// Downloads an http(s) attachment when the operator allowed it (docs/domain.md §2), with a size cap and a
// timeout, into a folder of the caller's choosing. The file name comes from a hash of the URL, never
// from the server, so a download can't land outside that folder.
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';

export interface DownloadOptions {
  dir: string;
  maxBytes: number;
  timeoutMs: number;
}

export type DownloadResult = { ok: true; path: string } | { ok: false; reason: string };

const SAFE_EXT = /^\.[a-z0-9]{1,5}$/i;

export async function downloadAttachment(url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const ext = path.extname(new URL(url).pathname);
  const name = createHash('sha256').update(url).digest('hex').slice(0, 32) + (SAFE_EXT.test(ext) ? ext.toLowerCase() : '');
  const target = path.join(opts.dir, name);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let failure: string;
  try {
    const res = await fetch(url, { signal, redirect: 'follow' });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return { ok: false, reason: `download failed: HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > opts.maxBytes) {
      await res.body.cancel();
      return { ok: false, reason: `download refused: ${declared} bytes is over the ${opts.maxBytes}-byte limit` };
    }
    file = await open(target, 'w');
    let total = 0;
    failure = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > opts.maxBytes) {
        failure = `download stopped: over the ${opts.maxBytes}-byte limit`;
        break;
      }
      await file.write(chunk);
    }
    if (!failure) return { ok: true, path: target };
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || signal.aborted;
    failure = timedOut ? `download timed out after ${opts.timeoutMs} ms` : `download failed: ${e.message}`;
  } finally {
    await file?.close();
  }
  await rm(target, { force: true }); // nothing half-written is left behind
  return { ok: false, reason: failure };
}
