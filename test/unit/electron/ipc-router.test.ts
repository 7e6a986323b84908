// One IPC command end to end through the router: refused senders and payloads never reach the Api, replies
// carry only contract fields, and stored keys never leave main in an error.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import type { SenderFacts } from '../../../electron/main/ipc-guard';
import { createIpcRouter } from '../../../electron/main/ipc-router';
import { recordingApi, type Handlers } from '../../helpers/recording-api';

const KEY = 'gsk_live_0123456789abcdefSECRET';
const ours: SenderFacts = { webContentsId: 3, frameUrl: 'app://app/index.html', isMainFrame: true };

/** A recording Api: only the commands these tests call; the router must never call any other. */
function setup(handlers: Handlers) {
  const { api, calls } = recordingApi(handlers);
  const logs: string[] = [];
  const route = createIpcRouter({
    api,
    trusted: () => ({ webContentsId: 3, origin: APP_ORIGIN }),
    secrets: () => [KEY],
    log: (m) => logs.push(m),
  });
  return { route, calls, logs };
}

describe('IPC router', () => {
  it('runs a valid command from the app window and returns its reply', async () => {
    const { route, calls } = setup({ getKeyStatus: () => ({ providers: [{ provider: 'groq', set: true }], simulated: false }) });
    const reply = await route(ours, 'getKeyStatus', {});
    expect(reply).toEqual({ ok: true, value: { providers: [{ provider: 'groq', set: true }], simulated: false } });
    expect(calls).toEqual([{ name: 'getKeyStatus', input: {} }]);
  });

  it.each([
    ['file://', { ...ours, frameUrl: 'file:///tmp/x.html' }],
    ['https://evil', { ...ours, frameUrl: 'https://evil.example/' }],
    ['a subframe', { ...ours, isMainFrame: false }],
    ['another window', { ...ours, webContentsId: 4 }],
  ])('refuses %s before the Api runs', async (_label, sender) => {
    const { route, calls, logs } = setup({ listRuns: () => [] });
    const reply = await route(sender, 'listRuns', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
    expect(logs.join('\n')).toMatch(/rejected \(forbidden\)/);
  });

  it('refuses a bad payload with the schema reason, before the Api runs', async () => {
    const { route, calls } = setup({ setApiKey: () => ({ provider: 'groq', set: true }) });
    const reply = await route(ours, 'setApiKey', { provider: 'groq', key: '' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('bad_request');
    expect(reply.error.error).toMatch(/^Invalid setApiKey request: key: /);
    expect(calls).toEqual([]);
  });

  it('a refused key never appears in the error or the log', async () => {
    const { route, logs } = setup({});
    const long = `${KEY}${'x'.repeat(600)}`;
    const reply = await route(ours, 'setApiKey', { provider: 'groq', key: long });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(reply)).not.toContain(KEY);
    expect(logs.join('\n')).not.toContain(KEY);
  });

  it('strips reply fields outside the output schema (a key can never ride along)', async () => {
    const { route } = setup({ setApiKey: () => ({ provider: 'groq', set: true, key: KEY }) });
    const reply = await route(ours, 'setApiKey', { provider: 'groq', key: KEY });
    expect(reply).toEqual({ ok: true, value: { provider: 'groq', set: true } });
    expect(JSON.stringify(reply)).not.toContain(KEY);
  });

  it('turns a reply that breaks the contract into an internal error', async () => {
    const { route, logs } = setup({ listRuns: () => [{ runId: 1 }] });
    const reply = await route(ours, 'listRuns', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'failed', error: expect.stringMatching(/listRuns reply did not match/) } });
    expect(logs.join('\n')).toMatch(/listRuns produced a reply outside its output schema/);
  });

  it("passes the command's own error message on, with stored keys masked", async () => {
    const { route } = setup({
      pauseBatch: () => {
        throw new Error(`provider said: invalid api key ${KEY}; run r1 is not running`);
      },
    });
    const reply = await route(ours, 'pauseBatch', { runId: 'r1' });
    expect(reply).toEqual({ ok: false, error: { code: 'failed', error: 'provider said: invalid api key [redacted key]; run r1 is not running' } });
  });
});
