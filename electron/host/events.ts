// Pushes every Api event to the connected browsers as {"event": name, "payload": ...} WebSocket messages, through
// the shared forwarder (contract fields only, keys masked), as the Electron push does.
import { WebSocket, type WebSocketServer } from 'ws';
import type { ValidatorApi } from '../../shared/api';
import { forwardEvents } from '../api-dispatch';

/** A client this far behind skips snapshots (the next one supersedes them); state-change events still go through. */
const SNAPSHOT_BACKLOG_BYTES = 1 << 20;

export function bridgeEvents(api: ValidatorApi, wss: WebSocketServer, log: (message: string) => void): () => void {
  return forwardEvents(
    api,
    (event, payload) => {
      const message = JSON.stringify({ event, payload });
      for (const client of wss.clients) {
        if (client.readyState !== WebSocket.OPEN) continue;
        if (event === 'snapshot' && client.bufferedAmount > SNAPSHOT_BACKLOG_BYTES) continue;
        client.send(message);
      }
    },
    log,
  );
}
