// Sending responses the way a real server can misbehave: delays before headers, stalls mid-body, dropped
// connections, truncated JSON. Every wait runs on the simulator's clock and is cancelled when the client goes away.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../engine/clock';

export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new BodyTooLarge(`request body over ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Waits on the simulator's clock; resolves false when the client disconnected meanwhile. */
export class Waits {
  private readonly pending = new Set<() => void>();
  constructor(private readonly clock: Pick<Clock, 'setTimer'>) {}

  /** `cut` ends the wait early, resolving true while the client is still there (a burst answers it at once). */
  wait(ms: number, res: ServerResponse, cut?: AbortSignal): Promise<boolean> {
    if (res.destroyed) return Promise.resolve(false);
    if (ms <= 0 || cut?.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (alive: boolean) => {
        this.pending.delete(stop);
        res.off('close', onClose);
        cut?.removeEventListener('abort', onCut);
        cancel();
        resolve(alive);
      };
      const onClose = () => done(false);
      const onCut = () => done(!res.destroyed);
      const stop = () => done(false);
      const cancel = this.clock.setTimer(ms, () => done(!res.destroyed));
      this.pending.add(stop);
      res.once('close', onClose);
      cut?.addEventListener('abort', onCut, { once: true });
    });
  }

  /** Cancel every wait (server shutdown). */
  cancelAll(): void {
    for (const stop of [...this.pending]) stop();
  }
}

export interface Delivery {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs?: number;
  /** Headers known only when they are written (after the delay): the server's own time, Server-Timing. */
  lateHeaders?: () => Record<string, string>;
  stallMs?: number;
  drop?: 'before-headers' | 'mid-body';
}

export async function deliver(res: ServerResponse, waits: Waits, d: Delivery): Promise<void> {
  if (!(await waits.wait(d.delayMs ?? 0, res))) return;
  if (d.drop === 'before-headers') {
    res.socket?.destroy();
    return;
  }
  const bytes = Buffer.from(d.body, 'utf8');
  res.writeHead(d.status, { 'content-length': String(bytes.length), ...d.headers, ...d.lateHeaders?.() });
  if (!d.stallMs && d.drop !== 'mid-body') {
    res.end(bytes);
    return;
  }
  const half = Math.max(1, Math.floor(bytes.length / 2));
  if (d.drop === 'mid-body') {
    // Let the first half reach the client, then cut the connection.
    res.write(bytes.subarray(0, half), () => res.socket?.destroy());
    return;
  }
  res.write(bytes.subarray(0, half));
  if (!(await waits.wait(d.stallMs ?? 0, res))) return;
  res.end(bytes.subarray(half));
}

/**
 * Gemini's front end says how long it held the request (`Server-Timing: gfet4t7; dur=…`, whole ms); the simulator
 * counts from when it charged the quota, rounded down, so the client's bound on the arrival holds (docs/engine.md §1).
 */
export function serverTiming(ms: number): Record<string, string> {
  return { 'server-timing': `gfet4t7; dur=${Math.max(0, Math.floor(ms))}` };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Delivery {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: JSON.stringify(body) };
}

/** A server-sent-events stream: each event's data on its own line. */
export async function deliverSse(res: ServerResponse, waits: Waits, headers: Record<string, string>, events: string[], gapMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  for (const [i, data] of events.entries()) {
    if (i > 0 && !(await waits.wait(gapMs, res))) return;
    res.write(`data: ${data}\r\n\r\n`);
  }
  res.end();
}
