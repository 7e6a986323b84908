// The headless web host: the built renderer and the same Api over HTTP + WebSocket, on 127.0.0.1 only.
// Every request needs the per-launch token and must come from this server's own origin.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ApiErrorBody, ValidatorApi } from '../../shared/api';
import { createDispatch } from '../api-dispatch';
import { redactSecrets } from '../redact';
import { foreignRequest, newToken, presentedToken, tokenCookie, tokensMatch } from './auth';
import { eventSockets } from './event-socket';
import { setSecurityHeaders } from './headers';
import { applyLimits, checkingIntervalMs, DEFAULT_HOST_LIMITS, type HostLimits } from './limits';
import { bridgeEvents } from './events';
import { fileRoots, resolveRefs } from './file-refs';
import { contentSecurityPolicy, serveStatic } from './static';
import { DEFAULT_UPLOAD_CAPS, UploadError, UploadStore, type UploadCaps } from './uploads';

export interface HostOptions {
  api: ValidatorApi;
  /** 0 picks a free port. */
  port: number;
  /** The renderer build (vite outDir). */
  staticDir: string;
  uploadCaps?: UploadCaps;
  limits?: Partial<HostLimits>;
  /** Folders whose files `{kind:'path'}` refs may name (uploads need none); none by default. */
  fileRoots?: readonly string[];
  /** Keys to mask besides those the process uses (see redact.ts). */
  secrets?: () => Iterable<string>;
  /** Where the host reports a socket it closed; stderr by default. */
  log?: (message: string) => void;
}

export interface Host {
  /** The URL to open, with the token: the cookie it sets authorises everything after. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 1 << 20;
const EVENTS_PATH = '/api/events';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorBody['code'],
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: HttpError): void {
  const body: ApiErrorBody = { error: err.message, code: err.code };
  sendJson(res, err.status, body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new HttpError(413, 'too_large', `request body is larger than ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'request body is not valid JSON');
  }
}

/** HTTP status per envelope code; 'failed' is a command that refused (bad config value, unknown run...). */
const STATUS_OF: Record<ApiErrorBody['code'], number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  failed: 422,
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof UploadError)
    return new HttpError(err.status, err.status === 413 ? 'too_large' : err.status === 404 ? 'not_found' : 'bad_request', err.message);
  return new HttpError(422, 'failed', redactSecrets(err instanceof Error ? err.message : String(err)));
}

export async function createHost(opts: HostOptions): Promise<Host> {
  const { api } = opts;
  const log = opts.log ?? ((message: string) => console.error(`[host] ${message}`));
  const token = newToken();
  const uploads = await UploadStore.create(opts.uploadCaps ?? DEFAULT_UPLOAD_CAPS);
  const roots = fileRoots(opts.fileRoots ?? []);
  const downloads = new Map<string, { path: string; fileName: string }>();
  const staticDir = path.resolve(opts.staticDir);
  let port = opts.port;
  let csp = '';

  const dispatch = createDispatch({
    api,
    input: (_name, input) => resolveRefs(input, uploads, roots),
    output: {
      exportResults(out) {
        const id = randomBytes(12).toString('base64url');
        downloads.set(id, { path: out.path, fileName: out.fileName });
        return { ...out, downloadUrl: `/api/download/${id}` };
      },
    },
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    log,
  });

  async function runCommand(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(405, 'bad_request', 'commands are POST requests');
    const reply = await dispatch(name, await readJson(req));
    if (reply.ok) return sendJson(res, 200, reply.value);
    sendError(res, new HttpError(STATUS_OF[reply.error.code], reply.error.code, reply.error.error));
  }

  async function download(id: string, res: ServerResponse): Promise<void> {
    const file = downloads.get(id);
    const info = file ? await stat(file.path).catch(() => null) : null;
    if (!file || !info?.isFile()) throw new HttpError(404, 'not_found', 'no such download');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(info.size),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    });
    createReadStream(file.path).pipe(res);
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname;
    if (p === '/api/upload' && req.method === 'POST') return sendJson(res, 200, await uploads.saveFile(url.searchParams.get('name') ?? '', req));
    if (p === '/api/upload-folder' && req.method === 'POST') return sendJson(res, 200, await uploads.createFolder());
    const folder = /^\/api\/upload-folder\/([^/]+)$/.exec(p);
    if (folder?.[1] && req.method === 'POST') {
      return sendJson(res, 200, await uploads.saveIntoFolder(folder[1], url.searchParams.get('path') ?? '', req));
    }
    const dl = /^\/api\/download\/([^/]+)$/.exec(p);
    if (dl?.[1] && req.method === 'GET') return download(dl[1], res);
    if (p.startsWith('/api/')) return runCommand(p.slice('/api/'.length), req, res);
    return serveStatic(req, res, staticDir, p);
  }

  /** 403/401 checks shared by HTTP requests and the WebSocket upgrade; returns the refusal or null. */
  function refuse(req: IncomingMessage): HttpError | null {
    const foreign = foreignRequest(req, port);
    if (foreign) return new HttpError(403, 'forbidden', foreign);
    if (!tokensMatch(presentedToken(req, port), token))
      return new HttpError(401, 'unauthorized', 'missing or wrong token: open the URL the host printed');
    return null;
  }

  const limits: HostLimits = { ...DEFAULT_HOST_LIMITS, ...opts.limits };
  const server = createServer({ connectionsCheckingInterval: checkingIntervalMs(limits) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    setSecurityHeaders(res, csp, url.pathname.startsWith('/api/'));
    const fromUrl = url.searchParams.get('token');
    // Opening the printed URL: trade the query token for an HttpOnly cookie and drop it from the address bar.
    if (req.method === 'GET' && fromUrl !== null && !foreignRequest(req, port) && tokensMatch(fromUrl, token)) {
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: url.pathname + url.search,
        'set-cookie': `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    const refusal = refuse(req);
    if (refusal) {
      req.resume();
      return sendError(res, refusal);
    }
    route(req, res, url).catch((err: unknown) => {
      const httpErr = toHttpError(err);
      if (res.headersSent) res.destroy();
      else sendError(res, httpErr);
    });
  });

  const { wss, upgrade } = eventSockets({
    refuse: (req) => {
      const onEvents = new URL(req.url ?? '/', 'http://127.0.0.1').pathname === EVENTS_PATH;
      return onEvents ? refuse(req) : new HttpError(404, 'not_found', 'not found');
    },
    maxSockets: limits.maxEventSockets,
    csp: () => csp,
    log,
  });
  server.on('upgrade', upgrade);
  applyLimits(server, limits);
  const unbridge = bridgeEvents(api, wss, log);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  csp = contentSecurityPolicy(origin);

  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    async close() {
      unbridge();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await uploads.dispose();
    },
  };
}
