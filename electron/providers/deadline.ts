// A call's own deadline. The Gemini SDK's `timeout` timer is never cleared (it keeps Node alive) and Groq's only
// covers the response headers, so each adapter call gets one AbortSignal that fires on the caller's abort or on
// timeout, and whose timer is always cleared when the call ends.
import type { Clock } from '../engine/clock';

export interface Deadline {
  signal: AbortSignal;
  /** Whether our timer fired (a timeout), as opposed to the caller aborting. */
  timedOut(): boolean;
  /** Clear the timer and stop listening to the caller's signal. Call in `finally`. */
  dispose(): void;
}

export function startDeadline(clock: Pick<Clock, 'setTimer'>, timeoutMs: number, caller: AbortSignal): Deadline {
  const ac = new AbortController();
  let fired = false;
  const cancel = clock.setTimer(timeoutMs, () => {
    fired = true;
    ac.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  });
  const onAbort = () => ac.abort(caller.reason);
  if (caller.aborted) onAbort();
  else caller.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ac.signal,
    timedOut: () => fired,
    dispose() {
      cancel();
      caller.removeEventListener('abort', onAbort);
    },
  };
}
