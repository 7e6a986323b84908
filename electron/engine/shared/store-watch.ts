// Following a shared store's state: read it on every change it announces and at least every `everyMs` (pub/sub can
// drop a message across a reconnect; a read also keeps this instance counted live where the store counts that).
import type { Clock } from '../clock';

/** Starts reading; returns the stop. `refresh` must not throw (it reports its own errors). */
export function watchStore(clock: Clock, onChange: (l: () => void) => () => void, refresh: () => Promise<void>, everyMs: number): () => void {
  let stopped = false;
  let cancel: () => void = () => undefined;
  const off = onChange(() => void refresh());
  const poll = () => {
    void refresh().finally(() => {
      if (!stopped) cancel = clock.setTimer(everyMs, poll, { background: true });
    });
  };
  poll();
  return () => {
    stopped = true;
    cancel();
    off();
  };
}
