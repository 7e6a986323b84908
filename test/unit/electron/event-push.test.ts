// Api events reach only live WebContents, and only with the fields their schema defines.
import { describe, expect, it } from 'vitest';
import { pushEvents, type EventSink } from '../../../electron/main/event-push';
import { EVENT_CHANNEL, type EventMessage } from '../../../shared/api-wire';
import { EVENT_NAMES, type EventName, type ValidatorApi } from '../../../shared/api';

function eventSource() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const on = ((event: EventName, fn: (p: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(fn);
    return () => set.delete(fn);
  }) as ValidatorApi['on'];
  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((fn) => fn(payload));
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { on, emit, count };
}

class Sink implements EventSink {
  sent: { channel: string; message: EventMessage }[] = [];
  constructor(public destroyed = false) {}
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, message: EventMessage) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, message });
  }
}

const breaker = {
  type: 'breaker_transition',
  at: 1,
  provider: 'gemini',
  from: 'closed',
  to: 'open',
  cause: 'error rate 40% over 20 calls',
  tripCause: '429',
  forced: false,
} as const;

describe('event push', () => {
  it('subscribes to every contract event and unsubscribes all', () => {
    const src = eventSource();
    const off = pushEvents(
      src,
      () => [],
      () => undefined,
    );
    expect(src.count()).toBe(EVENT_NAMES.length);
    off();
    expect(src.count()).toBe(0);
  });

  it('sends to live WebContents only', () => {
    const src = eventSource();
    const live = new Sink();
    const dead = new Sink(true);
    pushEvents(
      src,
      () => [dead, live],
      () => undefined,
    );
    src.emit('breaker', breaker);
    expect(live.sent).toEqual([{ channel: EVENT_CHANNEL, message: { event: 'breaker', payload: breaker } }]);
    expect(dead.sent).toEqual([]);
  });

  it('strips fields outside the schema and drops payloads that break it', () => {
    const src = eventSource();
    const sink = new Sink();
    const logs: string[] = [];
    pushEvents(
      src,
      () => [sink],
      (m) => logs.push(m),
    );
    src.emit('breaker', { ...breaker, apiKey: 'gsk_SECRET_1234567890' });
    src.emit('breaker', { ...breaker, to: 'melted' });
    expect(sink.sent).toHaveLength(1);
    expect(JSON.stringify(sink.sent)).not.toContain('gsk_SECRET');
    expect(logs).toEqual(['events: dropped a breaker event outside its schema']);
  });
});
