// The drawer's timeline as rows of phases (docs/console.md §16): one row per call of the submission (theme, PDF,
// image), each a list of phases on one time axis, from the stored steps. Pure, so the Gantt and its table agree.
import type { AdmissionWait, TimelineStep } from '../../../shared/domain';
import type { CallKind, ProviderId } from '../../../shared/provider';

export type Phase = 'stagger' | 'limiter' | 'slot' | 'call' | 'backoff' | 'park' | 'fallback' | 'stop';

export interface PhaseSpan {
  phase: Phase;
  /** Engine-clock ms; a fallback or a stop is an instant (from = to). */
  from: number;
  to: number;
  provider: ProviderId | null;
  /** What the phase was: its cause, the provider's answer, the reason to move on. */
  detail: string;
  /** The answer was a failure, or the call stopped without one. */
  failed: boolean;
}

export interface TimelineRow {
  kind: CallKind;
  spans: PhaseSpan[];
}

export interface Timeline {
  rows: TimelineRow[];
  /** The axis: the first step's start to the last phase's end (at least 1 ms, so widths are defined). */
  start: number;
  end: number;
}

export const PHASE_LABEL: Record<Phase, string> = {
  stagger: 'Stagger',
  limiter: 'Limiter wait',
  slot: 'Slot wait',
  call: 'Request',
  backoff: 'Backoff',
  park: 'Parked',
  fallback: 'Fallback',
  stop: 'Stopped',
};

export const WAIT_LABEL: Record<AdmissionWait, string> = {
  RPM: 'requests per minute (RPM)',
  TPM: 'tokens per minute (TPM)',
  RPD: 'requests per day (RPD)',
  TPD: 'tokens per day (TPD)',
  pause: 'provider paused',
  store: 'shared quota store out of reach',
  queue: 'behind earlier calls',
  jitter: 'jitter',
};

const KIND_ORDER: readonly CallKind[] = ['theme', 'pdf', 'image'];

/** The phases of one attempt: the wait for admission, the slot, the request, the backoff or the move on. */
function attemptSpans(s: TimelineStep, out: PhaseSpan[]): void {
  const admitted = s.admittedAt ?? s.to; // never admitted: the whole step was the wait
  // Admitted without a cause is admitted at once (a wall clock may tick between entering and admission): no wait drawn.
  if (s.waitedOn !== null || s.admittedAt === null) {
    const why = s.waitedOn ? WAIT_LABEL[s.waitedOn] : 'not admitted';
    out.push({ phase: 'limiter', from: s.from, to: admitted, provider: s.provider, detail: why, failed: s.admittedAt === null });
  }
  const sent = s.sentAt ?? s.to;
  if (sent > admitted) out.push({ phase: 'slot', from: admitted, to: sent, provider: s.provider, detail: 'concurrency slot', failed: false });
  if (s.sentAt !== null) {
    const answer = s.outcome ?? 'no answer';
    out.push({ phase: 'call', from: s.sentAt, to: s.to, provider: s.provider, detail: `attempt ${s.attempt}: ${answer}`, failed: answer !== 'ok' });
  }
  moveOn(s, out);
}

/** What followed a step: the backoff before a retry, or the instant it fell back or stopped. */
function moveOn(s: TimelineStep, out: PhaseSpan[]): void {
  if (s.next === 'retry')
    out.push({ phase: 'backoff', from: s.to, to: s.to + s.backoffMs, provider: s.provider, detail: s.note ?? 'before the retry', failed: false });
  if (s.next === 'fallback' || s.next === 'stop') {
    out.push({ phase: s.next, from: s.to, to: s.to, provider: s.provider, detail: s.note ?? '', failed: s.next === 'stop' });
  }
}

export function timelineRows(steps: readonly TimelineStep[]): Timeline {
  const stagger = steps.find((s) => s.step === 'stagger');
  const byKind = new Map<CallKind, PhaseSpan[]>();
  let start = Infinity;
  let end = -Infinity;
  for (const s of steps) {
    start = Math.min(start, s.from);
    if (s.kind === null) continue;
    let spans = byKind.get(s.kind);
    if (!spans) {
      spans = stagger
        ? [{ phase: 'stagger', from: stagger.from, to: stagger.to, provider: null, detail: 'before the first call', failed: false }]
        : [];
      byKind.set(s.kind, spans);
    }
    if (s.step === 'attempt') attemptSpans(s, spans);
    else if (s.step === 'park') spans.push({ phase: 'park', from: s.from, to: s.to, provider: s.provider, detail: s.note ?? '', failed: false });
    else moveOn(s, spans);
  }
  const rows = KIND_ORDER.flatMap((kind) => {
    const spans = byKind.get(kind);
    return spans ? [{ kind, spans }] : [];
  });
  for (const r of rows) for (const p of r.spans) end = Math.max(end, p.to);
  if (!Number.isFinite(start)) return { rows: [], start: 0, end: 1 };
  return { rows, start, end: Math.max(end, start + 1) };
}
