// The Electron app's lifecycle: single instance, app:// protocol, the hardened window, the IPC router, event
// pushes and a graceful shutdown. The Api itself is injected (index.ts passes createApi), so this file is
// only about Electron.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, protocol, safeStorage, session } from 'electron';
import { PROVIDER_IDS } from '../../shared/provider';
import type { ApiService } from '../api';
import type { KeyVault } from '../store/file-key-vault';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, originOf } from './app-origin';
import { serveAppRequest } from './app-protocol';
import { pushEvents } from './event-push';
import { registerIpc } from './ipc';
import type { TrustedSender } from './ipc-guard';
import { createIpcRouter } from './ipc-router';
import { SafeStorageKeyVault } from './safe-storage-key-vault';
import { createQuitGate } from './quit-gate';
import { denyAllPermissions, guardWebContents } from './web-guards';
import { mainWindowOptions } from './window-options';

export interface DesktopContext {
  /** app.getPath('userData'): the database and the key file live here. */
  userDataDir: string;
  vault: KeyVault;
}

/** How long a quit waits for close() before giving up (results are committed per submission anyway). */
const SHUTDOWN_BOUND_MS = 15_000;

const log = (message: string) => console.log(`[main] ${message}`);

function storedKeys(vault: KeyVault): string[] {
  return PROVIDER_IDS.flatMap((p) => {
    try {
      const key = vault.has(p) ? vault.get(p) : undefined;
      return key ? [key] : [];
    } catch {
      return [];
    }
  });
}

export function runDesktopApp(startApi: (ctx: DesktopContext) => Promise<ApiService>): void {
  // Same variable as the headless app; lets tests and operators keep a separate profile.
  if (process.env.EVENT_VALIDATOR_HOME) app.setPath('userData', process.env.EVENT_VALIDATOR_HOME);
  // Both must happen before 'ready'.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const here = dirname(fileURLToPath(import.meta.url)); // out/main
  const preloadPath = join(here, '../preload/index.cjs');
  const rendererDir = join(here, '../renderer');
  // electron-vite dev serves the renderer over http with HMR; a packaged app never does.
  const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const origin = (devUrl && originOf(devUrl)) || APP_ORIGIN;

  let window: BrowserWindow | null = null;
  const liveWindow = () => (window && !window.isDestroyed() ? window : null);

  app.on('second-instance', () => {
    const w = liveWindow();
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, origin, log));
  app.on('window-all-closed', () => app.quit());
  // A kill from a terminal or service manager goes through before-quit, so the batch is flushed too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  async function start(): Promise<void> {
    denyAllPermissions(session.defaultSession);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));

    const vault = new SafeStorageKeyVault(app.getPath('userData'), safeStorage);
    const api = await startApi({ userDataDir: app.getPath('userData'), vault });
    app.on('before-quit', createQuitGate({ close: () => api.close(), boundMs: SHUTDOWN_BOUND_MS, quit: () => app.quit(), log }));

    const trusted = (): TrustedSender | null => {
      const w = liveWindow();
      return w ? { webContentsId: w.webContents.id, origin } : null;
    };
    registerIpc(createIpcRouter({ api, trusted, secrets: () => storedKeys(vault), log }));
    pushEvents(
      api,
      () => {
        const w = liveWindow();
        return w ? [w.webContents] : [];
      },
      log,
    );

    const w = new BrowserWindow(mainWindowOptions(preloadPath));
    window = w;
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      window = null;
    });
    await w.loadURL(devUrl ?? APP_ENTRY_URL);
  }

  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      log(`start failed: ${message}`);
      dialog.showErrorBox('Event Validator could not start', message);
      app.exit(1);
    });
}
