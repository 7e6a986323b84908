// Graceful shutdown: the first 'before-quit' is held until the Api has cancelled/flushed the batch
// (every finished submission is already committed; close() stops the rest cleanly), bounded so a stuck
// close can't keep the app alive. Pure: index.ts passes Electron's event and app.quit.
export type CloseOutcome = 'closed' | 'timed_out' | 'failed';

/** Runs `close`, but gives up after `boundMs`. Never rejects. */
export async function closeWithin(close: () => Promise<void>, boundMs: number): Promise<CloseOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<CloseOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), boundMs);
  });
  const closing = Promise.resolve()
    .then(close)
    .then(
      (): CloseOutcome => 'closed',
      (): CloseOutcome => 'failed',
    );
  try {
    return await Promise.race([closing, bound]);
  } finally {
    clearTimeout(timer);
  }
}

export interface QuitGateDeps {
  /** The Api's close(). */
  close: () => Promise<void>;
  boundMs: number;
  quit: () => void;
  log: (message: string) => void;
}

/** The 'before-quit' listener: holds the first quit, closes, then quits for real; later quits wait for it. */
export function createQuitGate(deps: QuitGateDeps): (event: { preventDefault(): void }) => void {
  let phase: 'open' | 'closing' | 'closed' = 'open';
  return (event) => {
    if (phase === 'closed') return;
    event.preventDefault();
    if (phase === 'closing') return;
    phase = 'closing';
    void closeWithin(deps.close, deps.boundMs).then((outcome) => {
      deps.log(`shutdown: api close ${outcome}`);
      phase = 'closed';
      deps.quit();
    });
  };
}
