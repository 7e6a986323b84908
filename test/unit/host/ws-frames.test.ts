// Issue 16.2: one hostile WebSocket frame (a reserved opcode, a message over the size cap) closes that socket only;
// the host in its own process keeps serving HTTP and its other sockets, and its uploads folder goes with it on exit
// (a signal, or the next start after a SIGKILL).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ensureRendererBuilt } from '../../../electron/host/renderer-build';
import { startServe, type ServeChild } from './serve-child';

/** A masked client frame (RFC 6455 §5.2): clients must mask, so only the opcode or the size can be at fault. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([head, mask, body]);
}

/** A raw upgrade on a plain TCP socket; resolves with the socket once the 101 arrived, and everything read after it. */
async function rawSocket(s: ServeChild): Promise<{ socket: Socket; after: () => Buffer; closed: Promise<void> }> {
  const socket = connect(s.port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let upgraded = -1;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (upgraded < 0 && end >= 0) {
        upgraded = end + 4;
        const status = buf.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
        if (status.includes(' 101 ')) resolve();
        else reject(new Error(`upgrade refused: ${status}`));
      }
    });
    socket.write(
      [
        'GET /api/events HTTP/1.1',
        `Host: 127.0.0.1:${s.port}`,
        `Origin: http://127.0.0.1:${s.port}`,
        `x-validator-token: ${s.token}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
  return { socket, after: () => buf.subarray(upgraded), closed };
}

/** The status code of the close frame the server sent (unmasked server frame: 2 header bytes, then the code). */
function closeCode(bytes: Buffer): number | null {
  if (bytes.length < 4 || (bytes[0]! & 0x0f) !== 0x8) return null;
  return bytes.readUInt16BE(2);
}

async function getConfigStatus(s: ServeChild): Promise<number> {
  const res = await fetch(new URL('/api/getConfig', s.url), {
    method: 'POST',
    headers: { 'x-validator-token': s.token },
    body: '{}',
  });
  return res.status;
}

const uploadFolders = async (tmp: string) => (await readdir(tmp)).filter((n) => n.startsWith('event-validator-uploads-'));

let dir: string;
let tmp: string;
let serve: ServeChild | null = null;
beforeAll(async () => {
  await ensureRendererBuilt();
}, 300_000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ws-frames-'));
  tmp = path.join(dir, 'tmp');
  await (await import('node:fs/promises')).mkdir(tmp);
});
afterEach(async () => {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGKILL');
    await serve.exited;
  }
  serve = null;
  await rm(dir, { recursive: true, force: true });
});

describe('web host under hostile WebSocket frames (child process)', () => {
  it('closes only the offending socket for a reserved opcode and an oversized message, and keeps serving', async () => {
    serve = await startServe(path.join(dir, 'data'), tmp);
    // A well-behaved page stays connected throughout.
    const good = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events`, {
      headers: { 'x-validator-token': serve.token },
    });
    await new Promise((resolve, reject) => good.once('open', resolve).once('error', reject));

    const reserved = await rawSocket(serve);
    reserved.socket.write(clientFrame(0x3, Buffer.from('hi')));
    await reserved.closed;
    expect(closeCode(reserved.after())).toBe(1002);

    const oversized = await rawSocket(serve);
    oversized.socket.write(clientFrame(0x1, Buffer.alloc(4096, 0x61)));
    await oversized.closed;
    expect(closeCode(oversized.after())).toBe(1009);

    expect(serve.child.exitCode).toBeNull();
    expect(await getConfigStatus(serve)).toBe(200);
    const pong = new Promise<void>((resolve) => good.once('pong', () => resolve()));
    good.ping();
    await pong;
    expect(good.readyState).toBe(WebSocket.OPEN);
    expect(serve.stderr()).toMatch(/events socket closed: .*opcode/i);
    good.close();

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('removes its uploads folder on SIGTERM, and a SIGKILLed host leaves none behind after the next start', async () => {
    serve = await startServe(path.join(dir, 'data'), tmp);
    const up = await fetch(new URL('/api/upload?name=batch.csv', serve.url), {
      method: 'POST',
      headers: { 'x-validator-token': serve.token },
      body: 'a,b\n1,2\n',
    });
    expect(up.status).toBe(200);
    expect(await uploadFolders(tmp)).toHaveLength(1);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    expect(await uploadFolders(tmp)).toEqual([]);

    serve = await startServe(path.join(dir, 'data'), tmp);
    const killedRoot = await uploadFolders(tmp);
    expect(killedRoot).toHaveLength(1);
    serve.child.kill('SIGKILL');
    await serve.exited;
    expect(await uploadFolders(tmp)).toEqual(killedRoot); // nothing can run on SIGKILL

    serve = await startServe(path.join(dir, 'data'), tmp);
    const now = await uploadFolders(tmp);
    expect(now).toHaveLength(1);
    expect(now).not.toEqual(killedRoot);
    serve.child.kill('SIGTERM');
    await serve.exited;
  }, 120_000);
});
