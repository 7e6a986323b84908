// One setup for the console suites: the real app (createApi in demo mode: no key, so the in-process simulator
// answers through the real SDKs) behind the web host on a free loopback port, and a Chromium page on it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { createApi, type ApiService } from '../../../electron/api';
import { createHost, type Host } from '../../../electron/host/host';
import { ensureRendererBuilt } from '../../../electron/host/renderer-build';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import type { UploadCaps } from '../../../electron/host/uploads';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { launchChromium } from './browser';
import { gateEventStream, type EventStreamGate } from './event-stream';
import { pageErrors } from './page';

export interface ConsoleSetup {
  api: ApiService;
  host: Host;
  browser: Browser;
  page: Page;
  /** Holds back or lets through the page's event stream. */
  events: EventStreamGate;
  /** Uncaught page errors and console errors so far. */
  errors: string[];
  dir: string;
  /** The test's own simulator (with `ownSimulator`), or null in demo mode. */
  sim: Simulator | null;
  /** POST a scripted fault, outage or reset to the test's own simulator (/__sim/<action>). */
  simControl(action: string, body: unknown): Promise<void>;
  /** A second page on the same console, as another operator (or a reload) would open it. */
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  env?: Record<string, string>;
  simulatorTimeScale: number;
  prefix: string;
  /**
   * Start the simulator here and give the app its keys (not demo mode), so the test can script outages through
   * /__sim/* (the demo mode's in-process simulator is not reachable from a test).
   */
  ownSimulator?: { seed: number };
  uploadCaps?: UploadCaps;
}

export async function openConsole(opts: ConsoleOptions): Promise<ConsoleSetup> {
  const staticDir = await ensureRendererBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), opts.prefix));
  const sim = opts.ownSimulator ? await startSimulator({ preset: 'tier1', timeScale: opts.simulatorTimeScale, seed: opts.ownSimulator.seed }) : null;
  const simEnv = sim
    ? { GEMINI_API_KEY: sim.keys.gemini, GROQ_API_KEY: sim.keys.groq, GEMINI_BASE_URL: sim.baseUrl, GROQ_BASE_URL: sim.baseUrl }
    : {};
  const env = { ...opts.env, ...simEnv };
  const api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env, simulatorTimeScale: opts.simulatorTimeScale });
  const host = await createHost({ api, port: 0, staticDir, uploadCaps: opts.uploadCaps });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const errors = pageErrors(page);
  const events = await gateEventStream(page);
  await page.goto(host.url);
  return {
    api,
    host,
    browser,
    page,
    events,
    errors,
    dir,
    sim,
    async simControl(action, body) {
      if (!sim) throw new Error('simControl needs openConsole({ ownSimulator })');
      const res = await fetch(`${sim.baseUrl}/__sim/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`simulator ${action}: ${res.status} ${await res.text()}`);
    },
    async openPage() {
      const other = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await other.goto(host.url);
      return other;
    },
    async close() {
      await browser.close();
      await host.close();
      await api.close();
      await sim?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
