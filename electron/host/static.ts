// Serves the built renderer (vite output); assets are looked up inside staticDir only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The renderer's policy: own scripts and styles only, the API and its WebSocket on this origin, no framing. */
export function contentSecurityPolicy(origin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${origin.replace(/^http/, 'ws')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function fileAt(staticDir: string, urlPath: string): Promise<string | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(staticDir, '.' + (rel === '/' ? '/index.html' : rel));
  if (file !== staticDir && !file.startsWith(staticDir + path.sep)) return null;
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? file : null;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string, urlPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const file = await fileAt(path.resolve(staticDir), urlPath);
  if (!file) {
    const missingBuild = urlPath === '/';
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(missingBuild ? 'The renderer is not built. Run `npm run build:web`, then start the host again.\n' : 'Not found\n');
    return;
  }
  const ext = path.extname(file);
  // The security headers (CSP included) are already set by the host for every response (headers.ts).
  const headers: Record<string, string> = { 'content-type': TYPES[ext] ?? 'application/octet-stream' };
  if (ext === '.html') headers['cache-control'] = 'no-store';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
