// A button that asks for confirmation in a modal <dialog>, runs the action, and shows its result inline.
// A dialog is bound to the action and the state it was opened for: when that state changes while it is open, it
// closes and says so, and never performs a different action (docs/console.md §1).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** A confirmed action with no answer after this long is reported as unanswered (a frozen engine or host). */
export const CONFIRM_TIMEOUT_MS = 15_000;

interface Props {
  label: string;
  title: string;
  description: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  disabled?: boolean;
  /** Extra form fields inside the dialog (a duration, a reason...). */
  fields?: ReactNode;
  /** Runs on confirm with the dialog's form data; returns the message to show. */
  run(form: FormData): Promise<string>;
  /** Where the result goes when a parent shows one line for several actions; else it shows beside the button. */
  onResult?(result: ActionResult): void;
  /**
   * The state the action applies to (e.g. "paused"). If it changes while the dialog is open, the dialog closes
   * with `staleMessage` and nothing runs.
   */
  bound?: string;
  staleMessage?: string;
}

export interface ActionResult {
  ok: boolean;
  message: string;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `No answer from the engine in ${Math.round(ms / 1000)} s: the action may not have been applied. Check the state before trying again.`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function ConfirmAction(props: Props) {
  const { label, title, description, confirmLabel = label, danger, disabled, fields, onResult, bound, staleMessage } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [inline, setInline] = useState<ActionResult | null>(null);
  const setResult = onResult ?? setInline;
  const titleId = useId();
  /** What the open dialog was opened for: its state, title and action, so a re-render can't swap them. */
  const [opened, setOpened] = useState<Pick<Props, 'bound' | 'staleMessage' | 'title' | 'description' | 'run'> | null>(null);

  function open() {
    setOpened({ bound, staleMessage, title, description, run: props.run });
    dialog.current?.showModal();
  }
  function close() {
    dialog.current?.close();
    setOpened(null);
  }

  // Once confirmed, the state changing is the action's own effect, not a reason to stop.
  const stale = opened !== null && !busy && opened.bound !== bound;
  useEffect(() => {
    if (!stale) return;
    close();
    setResult({ ok: false, message: opened.staleMessage ?? 'The state changed while the dialog was open: nothing was done.' });
  });

  async function confirm(form: FormData) {
    if (!opened || stale) return;
    setBusy(true);
    try {
      setResult({ ok: true, message: await withTimeout(opened.run(form), CONFIRM_TIMEOUT_MS) });
    } catch (e) {
      setResult({ ok: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      close();
      setBusy(false);
    }
  }

  return (
    <span className="confirm-action">
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled || busy} onClick={open}>
        {label}
      </button>
      {inline && <ResultLine result={inline} />}
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm-dialog" onClose={() => setOpened(null)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm(new FormData(e.currentTarget));
          }}
        >
          <h2 id={titleId}>{opened?.title ?? title}</h2>
          <div className="dialog-body">{opened?.description ?? description}</div>
          {fields}
          <label className="field">
            <span>Reason (for the audit log, optional)</span>
            <input name="reason" maxLength={500} />
          </label>
          <div className="dialog-buttons">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className={danger ? 'danger primary' : 'primary'} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </span>
  );
}

/** The reason field's value, or undefined when blank. */
export function reasonOf(form: FormData): string | undefined {
  const r = String(form.get('reason') ?? '').trim();
  return r === '' ? undefined : r;
}

export function ResultLine({ result }: { result: ActionResult }) {
  return (
    <span role="status" className={result.ok ? 'inline-result ok' : 'inline-result error'}>
      {result.ok ? '✓ ' : '✗ '}
      {result.message}
    </span>
  );
}
