// Pushes Api events to the renderer: each payload is parsed by its EVENTS schema (contract fields only) and
// sent only to WebContents that are still alive. Pure: a WebContents is a sink here.
import { EVENT_NAMES, EVENTS, type EventName, type ValidatorApi } from '../../shared/api';
import { EVENT_CHANNEL, type EventMessage } from './ipc-wire';

export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/** Subscribes to every event of `api`; returns the unsubscribe function. */
export function pushEvents(api: Pick<ValidatorApi, 'on'>, sinks: () => Iterable<EventSink>, log: (message: string) => void): () => void {
  const offs = EVENT_NAMES.map((event: EventName) =>
    api.on(event, (payload: unknown) => {
      const parsed = EVENTS[event].safeParse(payload);
      if (!parsed.success) {
        log(`events: dropped a ${event} event outside its schema`);
        return;
      }
      for (const sink of sinks()) {
        if (!sink.isDestroyed()) sink.send(EVENT_CHANNEL, { event, payload: parsed.data });
      }
    }),
  );
  return () => offs.forEach((off) => off());
}
