// Pushes Api events to the renderer through the shared forwarder (contract fields only, keys masked), and only to
// WebContents that are still alive. Pure: a WebContents is a sink here.
import type { ValidatorApi } from '../../shared/api';
import { EVENT_CHANNEL, type EventMessage } from '../../shared/api-wire';
import { forwardEvents } from '../api-dispatch';

export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/** Subscribes to every event of `api`; returns the unsubscribe function. */
export function pushEvents(api: Pick<ValidatorApi, 'on'>, sinks: () => Iterable<EventSink>, log: (message: string) => void): () => void {
  return forwardEvents(
    api,
    (event, payload) => {
      for (const sink of sinks()) {
        if (!sink.isDestroyed()) sink.send(EVENT_CHANNEL, { event, payload });
      }
    },
    log,
  );
}
