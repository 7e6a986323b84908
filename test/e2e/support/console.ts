// One setup for the console suites: the real app (createApi in demo mode: no key, so the in-process simulator
// answers through the real SDKs) behind the web host on a free loopback port, and a Chromium page on it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { createApi, type ApiService } from '../../../electron/api';
import { createHost, type Host } from '../../../electron/host/host';
import { ensureRendererBuilt } from '../../../electron/host/renderer-build';
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
  /** A second page on the same console, as another operator (or a reload) would open it. */
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openConsole(opts: { env?: Record<string, string>; simulatorTimeScale: number; prefix: string }): Promise<ConsoleSetup> {
  const staticDir = await ensureRendererBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), opts.prefix));
  const api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: opts.env ?? {}, simulatorTimeScale: opts.simulatorTimeScale });
  const host = await createHost({ api, port: 0, staticDir });
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
    async openPage() {
      const other = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await other.goto(host.url);
      return other;
    },
    async close() {
      await browser.close();
      await host.close();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
