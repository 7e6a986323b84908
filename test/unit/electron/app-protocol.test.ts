// The app:// handler serves the renderer folder and nothing outside it, always with the CSP header.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, originOf } from '../../../electron/main/app-origin';
import { APP_CSP, resolveAppPath, serveAppRequest } from '../../../electron/main/app-protocol';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER';
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'ev-app-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  if (process.platform !== 'win32') symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
});

const get = (url: string, method = 'GET') => serveAppRequest(root, { url, method });

describe('CSP', () => {
  const directives = new Map(
    APP_CSP.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );

  it('allows only the app itself to run code, connect and style', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // connect-src names only our own origin (the web host adds its ws: twin here; app:// has none).
    for (const source of directives.get('connect-src') ?? []) expect(["'self'", APP_ORIGIN]).toContain(source);
  });

  it('has no unsafe-* source anywhere', () => {
    expect(APP_CSP).not.toMatch(/unsafe-/);
  });
});

describe('app:// origin', () => {
  it('is a standard, secure scheme with a real origin', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
    expect(originOf('not a url')).toBeNull();
  });
});

describe('app:// path resolution', () => {
  it('maps the app URLs into the renderer folder', () => {
    expect(resolveAppPath(root, 'app://app/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, APP_ENTRY_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://app/assets/app.js?v=1#x')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    'app://app/../secret.txt',
    'app://app/assets/../../secret.txt',
    'app://app/%2e%2e/secret.txt',
    'app://app/..%2fsecret.txt',
    'app://app/assets/..%2f..%2fsecret.txt',
    'app://app/..%5csecret.txt',
    'app://app/assets%5c..%5c..%5csecret.txt',
    'app://app/index.html%00.js',
    'app://app/%E0%A4%A',
    'app://evil/index.html',
    'https://app/index.html',
    'file:///etc/passwd',
  ])('refuses %s', async (url) => {
    const path = resolveAppPath(root, url);
    if (path !== null) expect(path.startsWith(root)).toBe(true);
    const res = await get(url);
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain(SECRET);
  });

  it.skipIf(process.platform === 'win32')('does not follow a symlink out of the renderer folder', async () => {
    const res = await get('app://app/assets/link.txt');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(SECRET);
  });
});

describe('app:// responses', () => {
  it('serves files with their type, nosniff and the CSP', async () => {
    const html = await get('app://app/');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await html.text()).toContain('<!doctype html>');
    const js = await get('app://app/assets/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('app://app/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers missing files, folders and other methods with errors that still carry the CSP', async () => {
    const missing = await get('app://app/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(APP_CSP);
    expect((await get('app://app/assets')).status).toBe(404);
    expect((await get('app://app/index.html', 'POST')).status).toBe(405);
    const head = await get('app://app/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
