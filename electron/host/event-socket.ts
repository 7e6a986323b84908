// The events WebSocket (/api/events): one-way pushes to the page. A bad frame (reserved opcode, over the size cap,
// a broken socket) is that client's problem only: its socket is closed and the host keeps serving everyone else.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { rawRefusal } from './headers';

/** Clients only ever send close frames; anything bigger than a short control message is refused. */
const MAX_CLIENT_PAYLOAD_BYTES = 1024;

export interface Refusal {
  status: number;
  code: string;
}

export interface EventSocketOptions {
  /** The refusal for this upgrade request (token, Origin, Host, path), or null to accept it. */
  refuse(req: IncomingMessage): Refusal | null;
  /** Open sockets allowed at once; one more gets 503. */
  maxSockets: number;
  /** The CSP the refusal carries (the host's, known once it listens). */
  csp(): string;
  log(message: string): void;
}

export function eventSockets(opts: EventSocketOptions): {
  wss: WebSocketServer;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
} {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_PAYLOAD_BYTES,
  });
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws owns the socket, a reset by the client must not become an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const refusal = opts.refuse(req) ?? (wss.clients.size >= opts.maxSockets ? { status: 503, code: 'too_many_sockets' } : null);
    if (refusal) {
      socket.end(rawRefusal(refusal.status, refusal.code, opts.csp()));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // ws emits 'error' for a protocol violation (reserved opcode, bad UTF-8, a frame past maxPayload) and then
      // closes with 1002/1009; without a listener the emitter would throw and take the whole process down.
      ws.on('error', (err) => {
        opts.log(`events socket closed: ${err.message}`);
        ws.terminate();
      });
      ws.on('message', () => ws.close(1003, 'events are one-way'));
      wss.emit('connection', ws, req);
    });
  }
  return { wss, upgrade };
}
