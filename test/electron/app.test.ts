// The real Electron app at its edges: window security, the preload surface, blocked navigation, drop-path
// resolution, and API keys that never reach the renderer. Runs where the Electron binary exists.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EVENT_NAMES, PRELOAD_GLOBALS } from '../../shared/api';
import { buildApp, ensureDisplay, launchApp, skipReason, stopDisplay, type LaunchedApp } from './harness';

if (skipReason) console.warn(`[electron e2e] skipped: ${skipReason}`);

const SECRET = 'gsk_e2e_0123456789abcdef_NEVER_IN_RENDERER';

/** The browser globals the page functions below touch (this tsconfig has no DOM lib, on purpose). */
interface El {
  type: string;
  id: string;
  textContent: string;
  files?: unknown[];
  constructor: { name: string };
}
interface Browser {
  document: {
    createElement(tag: string): El;
    getElementById(id: string): El | null;
    body: { appendChild(e: El): void };
    documentElement: { outerHTML: string };
  };
  location: { href: string };
  localStorage: Record<string, string>;
  open(url: string): unknown;
  validator: Record<string, (input?: unknown) => Promise<unknown>> & { on(event: string, fn: (p: unknown) => void): () => void };
  validatorFiles: { pathForFile(file: unknown): string };
  __inlineRan?: boolean;
  [global: string]: unknown;
}

describe.skipIf(skipReason !== null)(`Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let launched: LaunchedApp;

  beforeAll(async () => {
    await ensureDisplay();
    await buildApp();
    launched = await launchApp();
  }, 300_000);

  afterAll(async () => {
    await launched?.app.close();
    stopDisplay();
  });

  it('shows the UI from app:// with the CSP header', async () => {
    const { page } = launched;
    expect(page.url()).toMatch(/^app:\/\/app\//);
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // An inline script is refused by the CSP.
    const ran = await page.evaluate(async () => {
      const w = globalThis as unknown as Browser;
      const s = w.document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      w.document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return w.__inlineRan === true;
    });
    expect(ran).toBe(false);
  });

  it('runs the renderer isolated and sandboxed: no Node, no require, no webview', async () => {
    const { app, page } = launched;
    const probe = await page.evaluate(() => {
      const w = globalThis as unknown as Browser;
      return {
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        webview: w.document.createElement('webview').constructor.name,
      };
    });
    expect(probe).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', webview: 'HTMLUnknownElement' });
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> };
      return wc.getLastWebPreferences?.() ?? null;
    });
    if (prefs) {
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    }
  });

  it('exposes exactly the ValidatorApi and the file bridge', async () => {
    const { page } = launched;
    const surface = await page.evaluate((globals) => {
      const w = globalThis as unknown as Browser;
      return {
        api: Object.keys(w[globals.api] ?? {}).sort(),
        files: Object.keys(w[globals.files] ?? {}),
        ipc: 'ipcRenderer' in w || 'electron' in w,
      };
    }, PRELOAD_GLOBALS);
    expect(surface.api).toEqual([...COMMAND_NAMES, 'on'].sort());
    expect(surface.files).toEqual(['pathForFile']);
    expect(surface.ipc).toBe(false);
  });

  it('refuses a bad payload with a clear message', async () => {
    const message = await launched.page.evaluate(async () => {
      const api = (globalThis as unknown as Browser).validator;
      try {
        await api.getResults?.({ runId: 'r', offset: -5, limit: 10 });
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(message).toMatch(/Invalid getResults request: offset/);
  });

  it('blocks navigation away from the app and new windows', async () => {
    const { app, page } = launched;
    const opened = await page.evaluate(() => (globalThis as unknown as Browser).open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      (globalThis as unknown as Browser).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/app\//);
    expect(app.windows()).toHaveLength(1);
    expect(launched.output()).toMatch(/refused navigation to https:\/\/example\.com/);
  });

  it('resolves a picked file to its path on disk', async () => {
    const { page, home } = launched;
    const file = join(home, 'batch.csv');
    writeFileSync(file, 'id,title\n1,Demo\n');
    await page.evaluate(() => {
      const w = globalThis as unknown as Browser;
      const input = w.document.createElement('input');
      input.type = 'file';
      input.id = 'e2e-file';
      w.document.body.appendChild(input);
    });
    await page.setInputFiles('#e2e-file', file);
    const path = await page.evaluate(() => {
      const w = globalThis as unknown as Browser;
      return w.validatorFiles.pathForFile(w.document.getElementById('e2e-file')?.files?.[0]);
    });
    expect(path).toBe(file);
  });

  it('stores an API key without the renderer, the disk or the log ever seeing it', async () => {
    const { page, home } = launched;
    const seen = await page.evaluate(
      async ({ secret, events }) => {
        const w = globalThis as unknown as Browser;
        const api = w.validator;
        const pushed: unknown[] = [];
        const offs = events.map((e) => api.on(e, (p) => pushed.push(p)));
        const set = await api.setApiKey?.({ provider: 'groq', key: secret });
        const status = await api.getKeyStatus?.({});
        const config = await api.getConfig?.({});
        const audit = await api.readAuditLog?.({ offset: 0, limit: 1000 });
        await new Promise((r) => setTimeout(r, 1500)); // at least one snapshot push
        offs.forEach((off) => off());
        return JSON.stringify({ set, status, config, audit, pushed, html: w.document.documentElement.outerHTML, storage: { ...w.localStorage } });
      },
      { secret: SECRET, events: EVENT_NAMES },
    );
    expect(seen).toContain('"set":true');
    expect(seen).not.toContain(SECRET);
    for (const f of readdirSync(home, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) expect(readFileSync(join(f.parentPath, f.name)).includes(SECRET)).toBe(false);
    }
    expect(launched.output()).not.toContain(SECRET);
  });
});
