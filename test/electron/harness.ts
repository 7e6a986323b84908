// The Electron e2e harness: finds the Electron binary (absent on machines that can't download it), gives the
// app a display (Xvfb when there is none), builds it once with electron-vite, and launches it with Playwright.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { ensureRendererBuilt } from '../../electron/host/renderer-build';
import { buildSections } from './build-sections';

export const repoRoot = process.cwd();
const electronDist = join(repoRoot, 'node_modules', 'electron', 'dist');

/** Why the suite skips here, or null when it can run. */
export const skipReason: string | null = existsSync(electronDist)
  ? null
  : 'Electron binary not installed (download not possible here); node_modules/electron/dist is missing, so the Electron e2e suite is skipped. ' +
    'The same renderer and Api are covered in Chromium by the web-host e2e suite.';

let display: ChildProcess | null = null;

/** A virtual display on Linux when none is set (CI installs xvfb). */
export async function ensureDisplay(): Promise<void> {
  if (process.platform !== 'linux' || process.env.DISPLAY) return;
  const number = `:${90 + (process.pid % 100)}`;
  display = spawn('Xvfb', [number, '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    display?.once('error', (e) => reject(new Error(`Xvfb could not start (install xvfb): ${e.message}`)));
    // Xvfb creates its socket quickly; poll for it rather than sleeping a fixed time.
    const socket = `/tmp/.X11-unix/X${number.slice(1)}`;
    const started = Date.now();
    const poll = () => {
      if (existsSync(socket)) return resolve();
      if (Date.now() - started > 10_000) return reject(new Error(`Xvfb did not create ${socket}`));
      setTimeout(poll, 50);
    };
    poll();
  });
  process.env.DISPLAY = number;
}

export function stopDisplay(): void {
  display?.kill();
  display = null;
}

/**
 * The app as `electron-vite build` makes it: main and the CJS preload into out/, and the renderer through the
 * web host's locked fresh-or-build (the Chromium e2e suites may be serving out/renderer at the same time).
 */
export async function buildApp(): Promise<void> {
  await ensureRendererBuilt();
  await buildSections(['main', 'preload'], join(repoRoot, 'test-results', `electron-e2e-${process.pid}`));
}

export interface LaunchedApp {
  app: ElectronApplication;
  page: Page;
  /** The profile folder (userData): database and key file. */
  home: string;
  /** Everything main printed so far. */
  output: () => string;
}

export async function launchApp(): Promise<LaunchedApp> {
  const home = mkdtempSync(join(tmpdir(), 'ev-electron-e2e-'));
  const app = await _electron.launch({
    args: [repoRoot, '--password-store=basic'],
    cwd: repoRoot,
    env: { ...process.env, EVENT_VALIDATOR_HOME: home, ELECTRON_RENDERER_URL: '' } as Record<string, string>,
  });
  let output = '';
  app.process().stdout?.on('data', (d: Buffer) => (output += d.toString()));
  app.process().stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page, home, output: () => output };
}
