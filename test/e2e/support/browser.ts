// Debian's Chromium for the e2e suites, or the reason it can't run (the suite then skips and says why).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright';

/** Per-test budget: generous, because CI shares two cores between Chromium, the app and other suites. */
export const E2E_TEST_TIMEOUT_MS = 90_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM_PATH)
  ? null
  : `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
