// Every IPC message is checked for its sender (our window's main frame on app://) and its payload (the schema).
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { checkSender, IpcRejected, isTrustedOrigin, parsePayload, type SenderFacts } from '../../../electron/main/ipc-guard';

const trusted = { webContentsId: 7, origin: APP_ORIGIN };
const ours: SenderFacts = { webContentsId: 7, frameUrl: 'app://app/index.html', isMainFrame: true };

function rejection(fn: () => unknown): IpcRejected {
  try {
    fn();
  } catch (e) {
    if (e instanceof IpcRejected) return e;
    throw e;
  }
  throw new Error('expected an IpcRejected');
}

describe('checkSender', () => {
  it('accepts the app page in the app window', () => {
    expect(() => checkSender(ours, trusted)).not.toThrow();
    expect(() => checkSender({ ...ours, frameUrl: 'app://app/' }, trusted)).not.toThrow();
  });

  it.each([
    ['file://', 'file:///home/op/evil.html'],
    ['https://evil', 'https://evil.example/index.html'],
    ['another app:// host', 'app://evil/index.html'],
    ['a look-alike host', 'app://app.evil/index.html'],
    ['http on the same name', 'http://app/index.html'],
    ['data:', 'data:text/html,<script>1</script>'],
    ['about:blank', 'about:blank'],
  ])('refuses a frame on %s', (_label, frameUrl) => {
    const e = rejection(() => checkSender({ ...ours, frameUrl }, trusted));
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/origin/);
  });

  it('refuses a subframe, even one on our origin', () => {
    expect(rejection(() => checkSender({ ...ours, isMainFrame: false }, trusted)).message).toMatch(/subframe/);
  });

  it('refuses another WebContents, a vanished frame and any message while no window is open', () => {
    expect(rejection(() => checkSender({ ...ours, webContentsId: 8 }, trusted)).message).toMatch(/not the app window/);
    expect(rejection(() => checkSender({ ...ours, frameUrl: null }, trusted)).message).toMatch(/gone/);
    expect(rejection(() => checkSender(ours, null)).message).toMatch(/not open/);
  });

  it('compares scheme, host and port exactly (dev server origin)', () => {
    expect(isTrustedOrigin('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedOrigin(null, APP_ORIGIN)).toBe(false);
  });
});

describe('parsePayload', () => {
  it('returns the schema-parsed input of a known command', () => {
    const input = { file: { kind: 'path', path: '/data/batch.csv' }, attachments: null };
    expect(parsePayload('previewBatch', input)).toEqual({ name: 'previewBatch', input });
    expect(parsePayload('listRuns', {})).toEqual({ name: 'listRuns', input: {} });
  });

  it('refuses an unknown command, including prototype names', () => {
    expect(rejection(() => parsePayload('deleteEverything', {})).code).toBe('not_found');
    expect(rejection(() => parsePayload('constructor', {})).code).toBe('not_found');
    expect(rejection(() => parsePayload('__proto__', {})).code).toBe('not_found');
  });

  it.each([
    ['getResults', { runId: 'r1', offset: -1, limit: 10 }, /offset/],
    ['getResults', { runId: 'r1', offset: 0, limit: 100000 }, /limit/],
    ['setApiKey', { provider: 'openai', key: 'x' }, /provider/],
    ['listRuns', { extra: true }, /extra|Unrecognized/i],
    ['pauseBatch', 'r1', /input/],
    ['previewBatch', undefined, /input/],
    ['previewBatch', { file: { kind: 'path', path: '' }, attachments: null }, /file/],
  ])('refuses a bad %s payload with a readable reason', (command, payload, reason) => {
    const e = rejection(() => parsePayload(command, payload));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain(`Invalid ${command} request`);
    expect(e.message).toMatch(reason);
  });

  it('refuses web-host upload refs: the desktop app takes real paths', () => {
    const e = rejection(() => parsePayload('startBatch', { file: { kind: 'upload', id: 'abcdefgh1234' }, attachments: null }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/file paths/);
  });
});
