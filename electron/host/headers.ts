// Headers on every web-host response, whatever answers it (the API, a download, a static file, a refusal):
// the page's CSP, no MIME sniffing, no framing (frame-ancestors and X-Frame-Options for older browsers), no
// referrer, and nothing of the API kept in a cache. See docs/security.md.
import type { ServerResponse } from 'node:http';

export function securityHeaders(csp: string, api: boolean): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...(api ? { 'cache-control': 'no-store' } : {}),
  };
}

/** Set before any handler writes, so every writeHead (which merges them) carries them. */
export function setSecurityHeaders(res: ServerResponse, csp: string, api: boolean): void {
  for (const [name, value] of Object.entries(securityHeaders(csp, api))) res.setHeader(name, value);
}

/** A bare HTTP/1.1 refusal on a raw socket (an upgrade that is not accepted), with the same headers. */
export function rawRefusal(status: number, reason: string, csp: string): string {
  const lines = Object.entries({ ...securityHeaders(csp, true), connection: 'close', 'content-length': '0' }).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n`;
}
