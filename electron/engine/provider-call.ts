// One attempt on one provider, as one unit: acquire quota, ask the breaker, take a concurrency slot, charge the
// budget, call the adapter, classify, settle, feed back. Whatever was taken and not used is given back in one
// `finally`, so no exit path can leak a slot, a probe or quota (docs/engine-runtime.md, "One attempt").
import {
  BREAKER_ERROR_KINDS,
  MISCONFIGURED_KINDS,
  MODEL_UNAVAILABLE_KINDS,
  type CallFailure,
  type CallOutcome,
  type FailureKind,
} from '../../shared/provider';
import type { TimelineStep } from '../../shared/domain';
import type { Permit } from './breaker';
import { LimiterDrainedError, QuotaError, type Admission } from './limiter/limiter';
import { QUOTA_MODELS } from './limiter/quota-model';
import { untilText, type ProviderState } from './provider-state';
import type { Lease } from './shared/slot-gate';
import { isRetryable, retryDelayMs } from './retry';
import type { CallArgs, RouterContext } from './router';

/**
 * What one attempt came to. `unavailable` on a fallback marks a provider that is down for now (breaker open, server
 * errors, timeouts) rather than unable or unwilling: a call may park and wait for it to recover. `reroute`: the
 * provider this call fled from recovered while it queued here, so it goes back to the top of the order.
 */
export type AttemptResult =
  | { kind: 'ok'; json: unknown; model: string }
  | { kind: 'retry'; afterMs: number; note?: string }
  | { kind: 'reroute' }
  | { kind: 'fallback'; reason: string; unavailable: boolean }
  | { kind: 'stop'; reason: string };

export function budgetReason(max: number): string {
  return `budget exhausted (${max} call${max === 1 ? '' : 's'})`;
}

/** Failures whose own sentence is the reason a rule stays undetermined ("Gemini blocked the prompt: PROHIBITED_CONTENT"). */
const WORDED_KINDS: ReadonlySet<FailureKind> = new Set(['safety', 'truncated', 'too_large']);

const fallback = (reason: string, unavailable = false): AttemptResult => ({ kind: 'fallback', reason, unavailable });

/** Why an admitted attempt went back through the limiter unsent (its timeline step says so). */
export const LEASE_LOST = 'its shared slot lapsed while this instance was suspended: not sent, back through the limiter';
export const ADMISSION_AGED = 'waited for a slot past its admission’s window: not sent, back through the limiter';

/**
 * Attempt number `n` (0-based) of `args` on `state`. Rejects only when `args.signal` aborts. `recovered` aborts the
 * wait for quota when the provider this call fell back from is healthy again. `step` gets the attempt's phase times
 * (docs/console.md §16); the caller records what came of it.
 */
export async function attemptOnce(
  ctx: RouterContext,
  state: ProviderState,
  tokens: number,
  args: CallArgs,
  n: number,
  step: TimelineStep,
  recovered?: AbortSignal,
): Promise<AttemptResult> {
  const { budget, request, signal, submissionId } = args;
  const adapter = state.adapter;
  if (!adapter) return fallback(`${state.id} has no API key`);
  const model = state.modelFor(request.kind);
  let admission: Admission | undefined;
  let permit: Permit | null = null;
  let release: (() => void) | undefined;
  let lease: Lease | undefined;
  let sent = false;
  try {
    // Quota and a slot free and nobody queued ahead: admitted and started without an await (no hop for other work to
    // run in); otherwise the queues, in FIFO order. An aborted signal takes the waiting path, which rejects.
    const limiter = state.limiter(model);
    const mayAdmitNow = !signal?.aborted && !recovered?.aborted;
    try {
      admission = (mayAdmitNow ? limiter.tryAcquire(tokens) : null) ?? (await limiter.acquire(tokens, { signal: anyOf(signal, recovered) }));
      step.admittedAt = admission.admittedAt;
      step.waitedOn = admission.waitedOn;
    } catch (e) {
      if (recovered?.aborted && !signal?.aborted) return { kind: 'reroute' };
      if (e instanceof LimiterDrainedError) return fallback(`${state.id}: ${e.message}`, state.breaker.recovering && !state.unusableReason(model));
      if (e instanceof QuotaError) return fallback(`${state.id}: ${e.message}`);
      throw e;
    }
    permit = state.breaker.permit();
    if (!permit) return fallback(`${state.id} breaker open`, state.breaker.recovering);
    release = (signal?.aborted ? null : state.guard.tryAcquire()) ?? (await state.guard.acquire(signal));
    if (state.slots) lease = await state.slots.acquire(signal);
    // The provider or model became unusable while this request waited for a slot: it is not sent (docs/providers.md §4).
    const unusable = state.unusableReason(model);
    if (unusable) return fallback(unusable);
    // The breaker opened while this request waited for a slot: don't send it into an open circuit.
    if (state.breaker.state === 'open') return fallback(`${state.id} breaker open`, state.breaker.recovering);
    // Suspended past its lease, this instance's slot may be another's now: the request goes back through the limiter.
    if (lease && !(await lease.held())) return { kind: 'retry', afterMs: 0, note: LEASE_LOST };
    // Admitted so long ago that its charge left the window (a long wait for a slot): others were admitted on that room,
    // so sent now it would be one request too many for the server. It goes back through the limiter (docs/engine.md §1).
    if (admission.expired(ctx.clock.now())) return { kind: 'retry', afterMs: 0, note: ADMISSION_AGED };
    // A fleet worker's submission claim lapsed while this request waited (docs/scale-out.md "At-least-once delivery, exactly one call").
    if (args.mayCall?.() === false) throw signal?.reason ?? new DOMException('This call may no longer be made.', 'AbortError');
    if (!budget.tryCharge()) {
      ctx.budgetSpent(budget);
      return { kind: 'stop', reason: budgetReason(budget.max) };
    }
    sent = true;
    const startedAt = ctx.clock.now();
    step.sentAt = startedAt;
    admission.started(startedAt);
    const kept = state.callStarted(model, startedAt, tokens);
    ctx.emit({ type: 'call_started', at: startedAt, submissionId, kind: request.kind, provider: state.id, model, attempt: n + 1 });
    const outcome = await invoke(ctx, state, model, args);
    step.outcome = outcome.ok ? 'ok' : outcome.kind;
    release();
    release = undefined;
    lease?.release();
    settle(ctx, state, admission, outcome, kept);
    state.breaker.record(permit, outcome);
    budget.record({
      submissionId,
      kind: request.kind,
      provider: state.id,
      model,
      attempt: n + 1,
      outcome: outcome.ok ? 'ok' : outcome.kind,
      inputTokens: outcome.usage?.inputTokens ?? 0,
      outputTokens: outcome.usage?.outputTokens ?? 0,
      latencyMs: outcome.latencyMs,
      startedAt,
      ...(outcome.ok ? {} : { message: outcome.message }),
    });
    ctx.emit({
      type: 'call_finished',
      at: ctx.clock.now(),
      submissionId,
      kind: request.kind,
      provider: state.id,
      model,
      attempt: n + 1,
      outcome: outcome.ok ? 'ok' : outcome.kind,
      latencyMs: outcome.latencyMs,
      tokens: outcome.usage?.totalTokens ?? 0,
    });
    if (outcome.ok) return { kind: 'ok', json: outcome.json, model };
    if (signal?.aborted) throw signal.reason;
    return afterFailure(ctx, state, outcome, n);
  } finally {
    step.to = ctx.clock.now();
    release?.();
    lease?.release();
    if (!sent) {
      admission?.refund();
      if (permit) state.breaker.release(permit);
    }
  }
}

/** The caller's signal, the recovery signal, or either. */
function anyOf(signal: AbortSignal | undefined, recovered: AbortSignal | undefined): AbortSignal | undefined {
  if (!recovered) return signal;
  return signal ? AbortSignal.any([signal, recovered]) : recovered;
}

/** Retry, or the reason to move on. A provider whose errors count against its health is "unavailable". */
function afterFailure(ctx: RouterContext, state: ProviderState, f: CallFailure, n: number): AttemptResult {
  const retry = ctx.config().retry;
  if (f.kind === 'daily_quota') return fallback(`${state.id} exhausted until ${untilText(state.exhaustedUntil ?? ctx.clock.now())}`);
  if (MISCONFIGURED_KINDS.has(f.kind)) return fallback(`${state.id} misconfigured (${f.message})`);
  if (MODEL_UNAVAILABLE_KINDS.has(f.kind)) return fallback(`${state.id} ${f.model} unavailable (${f.message})`);
  if (WORDED_KINDS.has(f.kind) && !isRetryable(f)) return fallback(`${state.id} ${f.kind}: ${f.message}`);
  const last = n + 1 >= retry.maxAttempts;
  if (!isRetryable(f) || last) {
    const unavailable = BREAKER_ERROR_KINDS.has(f.kind) && f.kind !== 'rate_limit';
    return fallback(`${state.id} ${f.kind}${last && isRetryable(f) ? ` after ${n + 1} attempts` : ''}`, unavailable);
  }
  return { kind: 'retry', afterMs: retryDelayMs(f, n, retry, ctx.rng) };
}

/** The adapter call with the provider's timeout, on the injected clock. Never throws. */
async function invoke(ctx: RouterContext, state: ProviderState, model: string, args: CallArgs): Promise<CallOutcome> {
  const { request, signal } = args;
  const adapter = state.adapter;
  const started = ctx.clock.now();
  const fail = (kind: CallFailure['kind'], message: string): CallFailure => ({
    ok: false,
    provider: state.id,
    model,
    kind,
    message,
    latencyMs: ctx.clock.now() - started,
  });
  if (!adapter) return fail('auth', 'no adapter');
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) ac.abort(signal.reason);
  let timedOut = false;
  const timeoutMs = state.config.timeoutMs;
  const cancel = ctx.clock.setTimer(timeoutMs, () => {
    timedOut = true;
    ac.abort(new DOMException('timeout', 'TimeoutError'));
  });
  let outcome: CallOutcome;
  try {
    outcome = await adapter.call(request, ac.signal);
  } catch (e) {
    // The port promises never to throw; if an adapter does, it is still one classified failure, not a lost slot.
    outcome = fail('network', `adapter threw: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    cancel();
    signal?.removeEventListener('abort', onAbort);
  }
  if (timedOut && !outcome.ok && outcome.kind === 'aborted') outcome = fail('timeout', `no answer within ${timeoutMs / 1000} s`);
  return outcome;
}

/** Settlement and learning: actual usage replaces the estimate, and the outcome feeds quota feedback. */
function settle(ctx: RouterContext, state: ProviderState, admission: Admission, outcome: CallOutcome, kept: number | null): void {
  const counted = QUOTA_MODELS[state.id].tokens;
  admission.answered(outcome.arrivedBy);
  if (outcome.usage) admission.settle(outcome.usage[counted]);
  state.callAnswered(kept, outcome.usage?.[counted] ?? null);
  state.observe(outcome);
  if (outcome.ok) {
    state.feedback.onSuccess(outcome.model, outcome.quota);
    return;
  }
  if (outcome.kind === 'rate_limit' || outcome.kind === 'daily_quota') {
    const daily = outcome.kind === 'daily_quota';
    ctx.emit({ type: 'http_429', at: ctx.clock.now(), provider: state.id, model: outcome.model, dimension: outcome.dimension, daily });
  }
  if (MISCONFIGURED_KINDS.has(outcome.kind)) state.markMisconfigured(outcome);
  else if (MODEL_UNAVAILABLE_KINDS.has(outcome.kind)) state.markUnavailable(outcome);
  else state.feedback.onFailure(outcome);
}
