// Everything a page could do to leave the app is refused: navigation to another origin, new windows,
// <webview>s and permission prompts. Applied to every WebContents main creates ('web-contents-created').
import type { Session, WebContents } from 'electron';
import { isTrustedOrigin } from './ipc-guard';

/** Only the app's own origin may be shown; everything else (https:, file:, data:, javascript:) is refused. */
export function isNavigationAllowed(url: string, appOrigin: string): boolean {
  return isTrustedOrigin(url, appOrigin);
}

export function guardWebContents(contents: WebContents, appOrigin: string, log: (message: string) => void): void {
  const refuse = (event: { url: string; preventDefault(): void }, what: string) => {
    if (isNavigationAllowed(event.url, appOrigin)) return;
    event.preventDefault();
    log(`security: refused ${what} to ${event.url}`);
  };
  contents.on('will-navigate', (event) => refuse(event, 'navigation'));
  contents.on('will-frame-navigate', (event) => refuse(event, 'frame navigation'));
  contents.on('will-redirect', (event) => refuse(event, 'redirect'));
  contents.setWindowOpenHandler(({ url }) => {
    log(`security: refused a new window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('security: refused a <webview>');
  });
}

/** The app needs no browser permission (camera, notifications, clipboard read, geolocation, devices...). */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
