// Attachment resolution (docs/domain.md §2): the three look-ups in order, and every way out of the root refused.
// Files outside the root are FIFOs: opening one to read would block forever, so a test that passes
// proves nothing ever opened them.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttachmentResolver, type AttachmentResolver } from '../../../electron/batch/attachments/attachments';

let base: string;
let root: string;
let outside: string;
let resolver: AttachmentResolver;

async function put(rel: string, content = 'x'): Promise<string> {
  const p = path.join(root, rel);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, content);
  return p;
}

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'attachments-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  execFileSync('mkfifo', [path.join(outside, 'secret.pdf')]);
  execFileSync('mkfifo', [path.join(outside, 'passwd')]);
  await put('monthlyReport/report/1-a.pdf');
  await put('uploads/institutes/monthlyReport/report/2-b.pdf');
  await put('elsewhere/deep/3-c.pdf');
  await put('x/4-dup.jpg');
  await put('y/4-dup.jpg');
  await put('etc/passwd-not-here.txt');
  await symlink(path.join(outside, 'secret.pdf'), path.join(root, 'monthlyReport', 'report', 'link-out.pdf'));
  await symlink(outside, path.join(root, 'dir-out'));
  await symlink(path.join(root, 'elsewhere/deep/3-c.pdf'), path.join(root, 'link-in.pdf'));
  resolver = await createAttachmentResolver(root);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolution order', () => {
  it('(a) root + the path without its leading slash', async () => {
    expect(await resolver.resolve('/monthlyReport/report/1-a.pdf', 3)).toMatchObject({
      ok: true,
      via: 'direct',
      path: path.join(root, 'monthlyReport/report/1-a.pdf'),
    });
  });

  it('(b) root + uploads/institutes/ + path, for event_driven 3 and 4 only', async () => {
    expect(await resolver.resolve('/monthlyReport/report/2-b.pdf', 4)).toMatchObject({ ok: true, via: 'uploads_institutes' });
    // event_driven 1: (b) is not tried; (c) finds it by its unique base name instead.
    expect(await resolver.resolve('/monthlyReport/report/2-b.pdf', 1)).toMatchObject({ ok: true, via: 'basename' });
  });

  it('(c) a unique file with the same base name anywhere under the root', async () => {
    const r = await resolver.resolve('uploads-2024-25/institutes/monthlyReport/report/3-c.pdf', 3);
    expect(r).toMatchObject({ ok: true, via: 'basename', path: path.join(root, 'elsewhere/deep/3-c.pdf') });
  });

  it('two files with that base name: ambiguous, not a guess', async () => {
    expect(await resolver.resolve('/monthlyReport/Photograph1/4-dup.jpg', 3)).toMatchObject({ ok: false, code: 'ambiguous' });
  });

  it('nothing found: missing', async () => {
    const r = await resolver.resolve('/monthlyReport/report/none.pdf', 3);
    expect(r).toMatchObject({ ok: false, code: 'missing', reason: '"/monthlyReport/report/none.pdf" was not found under the attachments root' });
  });

  it('a symlink that stays inside the root is followed', async () => {
    expect(await resolver.resolve('link-in.pdf', null)).toMatchObject({ ok: true, path: path.join(root, 'elsewhere/deep/3-c.pdf') });
  });

  it('an absolute path that already points into the root is used as it stands', async () => {
    expect(await resolver.resolve(path.join(root, 'monthlyReport/report/1-a.pdf'), 3)).toMatchObject({ ok: true, via: 'direct' });
  });
});

describe('paths that escape the root are refused and never opened', () => {
  const escapes: [string, RegExp][] = [
    ['../outside/secret.pdf', /climbs out .* with "\.\."/],
    ['/monthlyReport/../../outside/secret.pdf', /climbs out/],
    ['..\\outside\\secret.pdf', /climbs out/],
    ['C:\\Windows\\system32\\config\\SAM', /absolute path outside/],
    ['//server/share/secret.pdf', /absolute path outside/],
    ['file:///etc/passwd', /not a file under the attachments root/],
    ['/monthlyReport/report/link-out.pdf', /link that points outside/],
    ['dir-out/secret.pdf', /link that points outside/],
  ];
  for (const [raw, why] of escapes) {
    it(raw, async () => {
      const r = await resolver.resolve(raw, 3);
      expect(r).toMatchObject({ ok: false, code: 'escape' });
      expect(r.ok ? '' : r.reason).toMatch(why);
    });
  }

  it('a POSIX absolute path means "from the root", so /…/outside/passwd is looked up inside and never reaches the real file', async () => {
    const r = await resolver.resolve(path.join(outside, 'passwd'), 3);
    expect(r).toMatchObject({ ok: false, code: 'missing' });
  });

  it('a base-name match that is a link out of the root is refused', async () => {
    const r = await resolver.resolve('/anywhere/link-out.pdf', 3);
    expect(r).toMatchObject({ ok: false, code: 'escape' });
  });
});

describe('http(s) attachments', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/report.pdf') return res.end('%PDF-1.4 small');
      if (req.url === '/big-declared.pdf') {
        res.setHeader('content-length', String(10_000));
        return res.end(Buffer.alloc(10_000));
      }
      if (req.url === '/big-streamed.pdf') {
        res.write(Buffer.alloc(600));
        res.write(Buffer.alloc(600));
        return res.end();
      }
      if (req.url === '/slow.pdf') return void setTimeout(() => res.end('late'), 2_000);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('are off by default', async () => {
    expect(await resolver.resolve(`${url}/report.pdf`, 3)).toMatchObject({ ok: false, code: 'url_disabled', reason: 'URL attachments are disabled' });
  });

  it('are downloaded with a size cap and a timeout when allowed', async () => {
    const downloadDir = path.join(base, 'downloads');
    await mkdir(downloadDir);
    // The timeout is generous for the answers that come at once, so a loaded machine can't fail them.
    const r = await createAttachmentResolver(root, { allowUrlDownloads: true, downloadDir, maxDownloadBytes: 1_000, downloadTimeoutMs: 10_000 });
    const hasty = await createAttachmentResolver(root, { allowUrlDownloads: true, downloadDir, maxDownloadBytes: 1_000, downloadTimeoutMs: 300 });
    const ok = await r.resolve(`${url}/report.pdf`, 3);
    expect(ok).toMatchObject({ ok: true, via: 'download' });
    expect(ok.ok && path.dirname(ok.path)).toBe(downloadDir);
    expect(await r.resolve(`${url}/big-declared.pdf`, 3)).toMatchObject({
      ok: false,
      code: 'download_failed',
      reason: expect.stringMatching(/10000 bytes is over the 1000-byte limit/),
    });
    expect(await r.resolve(`${url}/big-streamed.pdf`, 3)).toMatchObject({ ok: false, reason: expect.stringMatching(/over the 1000-byte limit/) });
    expect(await hasty.resolve(`${url}/slow.pdf`, 3)).toMatchObject({ ok: false, reason: 'download timed out after 300 ms' });
    expect(await r.resolve(`${url}/nothing.pdf`, 3)).toMatchObject({ ok: false, reason: 'download failed: HTTP 404' });
    expect(await readdir(downloadDir)).toHaveLength(1); // failed downloads leave nothing behind
  });
});
