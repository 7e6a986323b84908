// Every IPC message is checked for its sender (our window's main frame on app://); payloads: api-dispatch.test.ts.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { CommandRefused } from '../../../electron/api-dispatch';
import { checkSender, isTrustedOrigin, type SenderFacts } from '../../../electron/main/ipc-guard';

const trusted = { webContentsId: 7, origin: APP_ORIGIN };
const ours: SenderFacts = { webContentsId: 7, frameUrl: 'app://app/index.html', isMainFrame: true };

function rejection(fn: () => unknown): CommandRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandRefused) return e;
    throw e;
  }
  throw new Error('expected an CommandRefused');
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
