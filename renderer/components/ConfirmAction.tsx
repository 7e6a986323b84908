// A button that asks for confirmation in a modal <dialog>, runs the action, and shows its result inline.
import { useId, useRef, useState, type ReactNode } from 'react';

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
}

export interface ActionResult {
  ok: boolean;
  message: string;
}

export function ConfirmAction({ label, title, description, confirmLabel = label, danger, disabled, fields, run, onResult }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [inline, setInline] = useState<ActionResult | null>(null);
  const setResult = onResult ?? setInline;
  const titleId = useId();

  async function confirm(form: FormData) {
    setBusy(true);
    try {
      setResult({ ok: true, message: await run(form) });
      dialog.current?.close();
    } catch (e) {
      setResult({ ok: false, message: e instanceof Error ? e.message : String(e) });
      dialog.current?.close();
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="confirm-action">
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled || busy} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      {inline && <ResultLine result={inline} />}
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm(new FormData(e.currentTarget));
          }}
        >
          <h2 id={titleId}>{title}</h2>
          <div className="dialog-body">{description}</div>
          {fields}
          <label className="field">
            <span>Reason (for the audit log, optional)</span>
            <input name="reason" maxLength={500} />
          </label>
          <div className="dialog-buttons">
            <button type="button" onClick={() => dialog.current?.close()}>
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
