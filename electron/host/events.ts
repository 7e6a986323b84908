// Pushes every Api event to the connected browsers as {"event": name, "payload": ...} WebSocket messages.
import { WebSocket, type WebSocketServer } from 'ws';
import { EVENT_NAMES, type ValidatorApi } from '../../shared/api';

/** A client this far behind skips snapshots (the next one supersedes them); state-change events still go through. */
const SNAPSHOT_BACKLOG_BYTES = 1 << 20;

export function bridgeEvents(api: ValidatorApi, wss: WebSocketServer): () => void {
  const unsubscribe = EVENT_NAMES.map((event) =>
    api.on(event, (payload) => {
      const message = JSON.stringify({ event, payload });
      for (const client of wss.clients) {
        if (client.readyState !== WebSocket.OPEN) continue;
        if (event === 'snapshot' && client.bufferedAmount > SNAPSHOT_BACKLOG_BYTES) continue;
        client.send(message);
      }
    }),
  );
  return () => unsubscribe.forEach((off) => off());
}
