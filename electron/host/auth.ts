// Who may talk to the web host: the per-launch token (header or cookie), and only from the host's own origin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-validator-token';
/** Cookies ignore ports, so the name carries it: two hosts on one machine don't overwrite each other's token. */
export function tokenCookie(port: number): string {
  return `ev_token_${port}`;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first makes the time independent of the length too. */
export function tokensMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function presentedToken(req: IncomingMessage, port: number): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  return cookie(req, tokenCookie(port));
}

/**
 * The Host header must name this loopback server (defeats DNS rebinding), and a browser's Origin, when sent,
 * must be this server's own. Returns the reason for refusal, or null.
 */
export function foreignRequest(req: IncomingMessage, port: number): string | null {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!own.includes(req.headers.host ?? '')) return `Host "${req.headers.host ?? ''}" is not this server`;
  const origin = req.headers.origin;
  if (origin !== undefined && !own.some((h) => origin === `http://${h}`)) return `Origin "${origin}" is not this server`;
  return null;
}
