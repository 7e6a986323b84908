// Navigation, new windows, webviews and permissions are refused.
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { denyAllPermissions, guardWebContents, isNavigationAllowed } from '../../../electron/main/web-guards';

describe('navigation policy', () => {
  it.each(['app://app/index.html', 'app://app/other.html#x'])('allows %s', (url) => {
    expect(isNavigationAllowed(url, APP_ORIGIN)).toBe(true);
  });
  it.each(['https://evil.example/', 'http://app/', 'file:///etc/passwd', 'app://evil/', 'javascript:alert(1)', 'data:text/html,x', 'about:blank'])(
    'refuses %s',
    (url) => {
      expect(isNavigationAllowed(url, APP_ORIGIN)).toBe(false);
    },
  );
});

/** Just the WebContents surface guardWebContents touches: Node's EventEmitter plus the open handler slot. */
class Contents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
}

function navigation(url: string) {
  const e = { url, prevented: false, preventDefault: () => (e.prevented = true) };
  return e;
}

describe('guardWebContents', () => {
  const contents = new Contents();
  const logs: string[] = [];
  guardWebContents(contents as unknown as WebContents, APP_ORIGIN, (m) => logs.push(m));

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s to a foreign URL is prevented, to the app is not', (name) => {
    const away = navigation('https://evil.example/phish');
    contents.emit(name, away);
    expect(away.prevented).toBe(true);
    const home = navigation('app://app/index.html');
    contents.emit(name, home);
    expect(home.prevented).toBe(false);
  });

  it('denies every new window and every <webview>', () => {
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'app://app/index.html' })).toEqual({ action: 'deny' });
    const attach = navigation('');
    contents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
    expect(logs.some((l) => l.includes('refused a <webview>'))).toBe(true);
  });
});

describe('denyAllPermissions', () => {
  it('installs handlers that refuse requests, checks and devices', () => {
    const handlers: Record<string, (...a: unknown[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: (...a: unknown[]) => unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: (...a: unknown[]) => unknown) => (handlers.check = h),
      setDevicePermissionHandler: (h: (...a: unknown[]) => unknown) => (handlers.device = h),
    };
    denyAllPermissions(session as unknown as Session);
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      handlers.request?.({}, permission, (ok: boolean) => granted.push(ok), {});
      expect(handlers.check?.({}, permission, APP_ORIGIN, {})).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false, false]);
    expect(handlers.device?.({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });
});
