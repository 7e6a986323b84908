// Issue 15.3 (host part): a bounded loopback load on a web host in its own process. Many idle connections, headers and
// bodies trickled in, oversized uploads and JSON, more event sockets than allowed: each is refused or cut off as its
// limit says, a normal request still answers meanwhile and afterwards, and the host's memory grows by far less than the
// bytes thrown at it (compared after a GC, before and after). Counts and comparisons only, no wall-clock thresholds.
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HostOptions } from '../../../electron/host/host';

const LIMITS = { maxConnections: 96, maxEventSockets: 4, headersTimeoutMs: 1_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 300 };
const CAPS = { maxFileBytes: 1 << 20, maxTotalBytes: 64 << 20, maxFolderFiles: 10 };
const UPLOAD_BYTES = 16 << 20;
const UPLOADS = 20;

let child: ChildProcess;
let port = 0;
let token = '';

beforeAll(async () => {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'host-child.ts');
  const options: Pick<HostOptions, 'limits' | 'uploadCaps'> = { limits: LIMITS, uploadCaps: CAPS };
  child = fork(entry, [JSON.stringify(options)], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the host child exited (${code}) before listening`)));
  });
  ({ port, token } = JSON.parse(first) as { port: number; token: string });
});
afterAll(() => {
  child?.kill('SIGKILL');
});

interface Memory {
  rss: number;
  /** V8 heap and Buffers still referenced after a GC: what the host holds on to. */
  retained: number;
}

function memory(): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Memory));
    child.send('rss');
  });
}

/** One request on its own connection; resolves with the status, or 0 when the server closed without answering. */
function send(method: string, urlPath: string, body?: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: { 'x-validator-token': token, ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const getConfig = () => send('POST', '/api/getConfig', Buffer.from('{}'), { 'content-type': 'application/json' });

/** A raw connection that sends `opening` and then a drip every 50 ms; resolves with what the server answered before it closed. */
function trickle(opening: string, drip: string | null): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('close', () => {
      clearInterval(timer);
      resolve(got);
    });
    socket.on('connect', () => {
      if (opening) socket.write(opening);
      if (drip !== null) timer = setInterval(() => socket.writable && socket.write(drip), 50);
    });
  });
}

function eventSocket(): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers: { 'x-validator-token': token } });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.once('error', () => resolve({ status: 0, ws }));
  });
}

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

describe('web host under a bounded hostile load (child process)', () => {
  it('refuses or cuts off each kind of abuse by its limit, stays responsive, and keeps memory bounded', async () => {
    for (let i = 0; i < 50; i++) expect(await getConfig()).toBe(200);
    expect(await send('POST', '/api/upload?name=warm.bin', Buffer.alloc(UPLOAD_BYTES))).toBe(413);
    const before = await memory();

    const slowHeaders = Array.from({ length: 20 }, () => trickle(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, 'X-Slow: 1\r\n'));
    const slowBodies = Array.from({ length: 10 }, () =>
      trickle(
        `POST /api/getConfig HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-validator-token: ${token}\r\n` +
          'content-type: application/json\r\ncontent-length: 10000\r\n\r\n ',
        ' ',
      ),
    );
    const uploads = Array.from({ length: UPLOADS }, (_, i) => send('POST', `/api/upload?name=big-${i}.csv`, Buffer.alloc(UPLOAD_BYTES, 0x61)));
    const bigJson = Array.from({ length: 5 }, () =>
      send('POST', '/api/getConfig', Buffer.from(JSON.stringify({ pad: 'x'.repeat(2 << 20) })), { 'content-type': 'application/json' }),
    );
    const sockets = await Promise.all(Array.from({ length: 10 }, eventSocket));
    const during = await Promise.all(Array.from({ length: 10 }, getConfig));

    expect(during).toEqual(Array(10).fill(200));
    expect(sockets.map((s) => s.status).sort()).toEqual([...Array(4).fill(101), ...Array(6).fill(503)]);
    for (const s of sockets) s.ws.close();
    expect((await Promise.all(uploads)).filter((s) => s === 413)).toHaveLength(UPLOADS);
    // The JSON cap answers 413; a client still writing when the host closes may see the close instead.
    expect((await Promise.all(bigJson)).every((s) => s === 413 || s === 0)).toBe(true);
    expect((await Promise.all(slowHeaders)).map(statusOf)).toEqual(Array(20).fill(408));
    expect((await Promise.all(slowBodies)).map(statusOf)).toEqual(Array(10).fill(408));

    // A flood of idle connections: past the cap they are closed at once, the rest when their headers time out.
    const flood = await Promise.all(Array.from({ length: 300 }, () => trickle('', null)));
    const timedOut = flood.filter((r) => statusOf(r) === 408).length;
    expect(flood).toHaveLength(300);
    expect(timedOut).toBeLessThanOrEqual(LIMITS.maxConnections);
    expect(flood.filter((r) => r === '').length).toBeGreaterThanOrEqual(300 - LIMITS.maxConnections);
    expect(await getConfig()).toBe(200);

    const after = await memory();
    // 320 MB of uploads went in; a host that buffered them would have grown by that much. The RSS keeps the
    // allocator's high-water mark of the chunks in flight at once; what stays referenced must be near nothing.
    const sent = UPLOADS * UPLOAD_BYTES;
    expect(after.rss - before.rss).toBeLessThan(sent / 4);
    expect(after.retained - before.retained).toBeLessThan(sent / 32);
  }, 120_000);
});
