// The renderer's origin. A standard+secure custom scheme gives the UI a real origin ('self' in the CSP,
// same-origin module loading) without a file:// page that could read the disk.
export const APP_SCHEME = 'app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `scheme://host[:port]` of a URL, or null when it has none. Node's URL reports origin "null" for schemes it
 * does not know (app:), while Chromium gives a registered standard scheme a real origin, so build it by hand.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  return u.host ? `${u.protocol}//${u.host}` : null;
}

/**
 * Registered before 'ready': standard (real origin, relative URLs), secure (a secure context, like https),
 * fetch() and CORS-mode loads (vite emits `<script type="module" crossorigin>`), all same-origin under the CSP.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;
