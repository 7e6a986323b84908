// The router: one logical request across providers in fallback order, each through limiter → breaker →
// concurrency guard → adapter, with circuit- and budget-aware retries, every physical call charged and recorded.
import type { EngineConfig } from '../../shared/config';
import { MISCONFIGURED_KINDS, MODEL_UNAVAILABLE_KINDS, type CallFailure, type CallOutcome, type FailureKind, type LlmRequest, type ProviderId } from '../../shared/provider';
import type { EngineEvent } from '../../shared/telemetry';
import type { Budget } from './budget';
import type { Clock } from './clock';
import { LimiterDrainedError, QuotaError, type Admission } from './limiter/limiter';
import { QUOTA_MODELS } from './limiter/quota-model';
import { untilText, type ProviderState } from './provider-state';
import { isRetryable, retryDelayMs } from './retry';
import type { Rng } from './rng';

export type RoutedResult =
  | { status: 'ok'; json: unknown; provider: ProviderId; model: string }
  | { status: 'undetermined'; reason: string };

export interface RouterContext {
  clock: Clock;
  rng: Rng;
  config(): EngineConfig;
  provider(p: ProviderId): ProviderState;
  emit(e: EngineEvent): void;
  budgetSpent(budget: Budget): void;
}

export interface CallArgs {
  submissionId: string;
  budget: Budget;
  request: LlmRequest;
  signal?: AbortSignal;
}

/** What one provider made of the request: an answer, a reason to try the next provider, or a hard stop. */
type Attempt = { kind: 'ok'; result: RoutedResult } | { kind: 'fallback'; reason: string } | { kind: 'stop'; reason: string };

/** Failures whose own sentence is the reason a rule stays undetermined ("Gemini blocked the prompt: PROHIBITED_CONTENT"). */
const WORDED_KINDS: ReadonlySet<FailureKind> = new Set(['safety', 'truncated', 'too_large']);

function budgetReason(b: Budget): string {
  return `budget exhausted (${b.max} call${b.max === 1 ? '' : 's'})`;
}

function order(ctx: RouterContext): ProviderId[] {
  const cfg = ctx.config();
  const base = [...cfg.providerOrder];
  const [primary, second] = base;
  // Spill-over: when the primary's queue is longer than the fallback's, the fallback goes first.
  if (cfg.spillover && primary && second) {
    const a = ctx.provider(primary);
    const b = ctx.provider(second);
    if (b.adapter && a.expectedWaitMs() > b.expectedWaitMs() + 60_000 / Math.max(b.effectiveRpm(), 1e-9)) {
      base[0] = second;
      base[1] = primary;
    }
  }
  return base;
}

export async function route(ctx: RouterContext, args: CallArgs): Promise<RoutedResult> {
  const reasons: string[] = [];
  const providers = order(ctx);
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i] as ProviderId;
    if (args.budget.exhausted) {
      ctx.budgetSpent(args.budget);
      return { status: 'undetermined', reason: budgetReason(args.budget) };
    }
    const state = ctx.provider(p);
    const tokens = state.adapter?.estimateTokens(args.request) ?? 0;
    const skip = state.skipReason(args.request, tokens);
    const attempt: Attempt = skip ? { kind: 'fallback', reason: skip } : await attemptOn(ctx, state, tokens, args);
    if (attempt.kind === 'ok') return attempt.result;
    if (attempt.kind === 'stop') return { status: 'undetermined', reason: attempt.reason };
    reasons.push(attempt.reason);
    ctx.emit({
      type: 'fallback',
      at: ctx.clock.now(),
      submissionId: args.submissionId,
      kind: args.request.kind,
      from: p,
      to: providers[i + 1] ?? 'none',
      reason: attempt.reason,
    });
  }
  return { status: 'undetermined', reason: reasons.join(', ') || 'no provider configured' };
}

async function attemptOn(ctx: RouterContext, state: ProviderState, tokens: number, args: CallArgs): Promise<Attempt> {
  const { budget, request, signal, submissionId } = args;
  const adapter = state.adapter;
  if (!adapter) return { kind: 'fallback', reason: `${state.id} has no API key` };
  const model = adapter.modelFor(request.kind);
  const maxAttempts = ctx.config().retry.maxAttempts;
  for (let n = 0; n < maxAttempts; n++) {
    if (budget.exhausted) {
      ctx.budgetSpent(budget);
      return { kind: 'stop', reason: budgetReason(budget) };
    }
    if (n > 0) {
      // Circuit-aware: a retry is a new admission, and only while the provider is still worth asking.
      const skip = state.skipReason(request, tokens);
      if (skip) return { kind: 'fallback', reason: skip };
    }
    let admission: Admission;
    try {
      admission = await state.limiter(model).acquire(tokens, { signal });
    } catch (e) {
      if (e instanceof QuotaError || e instanceof LimiterDrainedError) return { kind: 'fallback', reason: `${state.id}: ${e.message}` };
      throw e;
    }
    const permit = state.breaker.permit();
    if (!permit) {
      admission.refund();
      return { kind: 'fallback', reason: `${state.id} breaker open` };
    }
    let release: () => void;
    try {
      release = await state.guard.acquire(signal);
    } catch (e) {
      admission.refund();
      state.breaker.release(permit);
      throw e;
    }
    // The provider or model became unusable while this request waited for a slot: it is not sent (docs/providers.md §4).
    const unusable = state.unusableReason(model);
    if (unusable) {
      release();
      admission.refund();
      state.breaker.release(permit);
      return { kind: 'fallback', reason: unusable };
    }
    if (state.breaker.state === 'open') {
      // The breaker opened while this request waited for a slot: don't send it into an open circuit.
      release();
      admission.refund();
      state.breaker.release(permit);
      return { kind: 'fallback', reason: `${state.id} breaker open` };
    }
    if (!budget.tryCharge()) {
      release();
      admission.refund();
      state.breaker.release(permit);
      ctx.budgetSpent(budget);
      return { kind: 'stop', reason: budgetReason(budget) };
    }
    const startedAt = ctx.clock.now();
    admission.started(startedAt);
    ctx.emit({ type: 'call_started', at: startedAt, submissionId, kind: request.kind, provider: state.id, model, attempt: n + 1 });
    const outcome = await invoke(ctx, state, model, request, signal);
    release();
    settle(ctx, state, admission, outcome);
    state.breaker.record(permit, outcome);
    const tokensUsed = outcome.usage?.totalTokens ?? 0;
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
      tokens: tokensUsed,
    });
    if (outcome.ok) return { kind: 'ok', result: { status: 'ok', json: outcome.json, provider: state.id, model } };
    if (signal?.aborted) throw signal.reason;
    const failure = outcome;
    if (failure.kind === 'daily_quota') return { kind: 'fallback', reason: `${state.id} exhausted until ${untilText(state.exhaustedUntil ?? ctx.clock.now())}` };
    if (MISCONFIGURED_KINDS.has(failure.kind)) return { kind: 'fallback', reason: `${state.id} misconfigured (${failure.message})` };
    if (MODEL_UNAVAILABLE_KINDS.has(failure.kind)) return { kind: 'fallback', reason: `${state.id} ${model} unavailable (${failure.message})` };
    if (WORDED_KINDS.has(failure.kind) && !isRetryable(failure)) return { kind: 'fallback', reason: `${state.id} ${failure.kind}: ${failure.message}` };
    if (!isRetryable(failure) || n + 1 >= maxAttempts) {
      return { kind: 'fallback', reason: `${state.id} ${failure.kind}${n + 1 >= maxAttempts && isRetryable(failure) ? ` after ${n + 1} attempts` : ''}` };
    }
    // The wait holds no concurrency slot and no quota; the retry goes back through the limiter.
    await ctx.clock.sleep(retryDelayMs(failure, n, ctx.config().retry, ctx.rng), signal);
  }
  return { kind: 'fallback', reason: `${state.id} gave no answer` }; // unreachable: the loop returns on its last attempt
}

/** The adapter call with the provider's timeout, on the injected clock. Never throws. */
async function invoke(ctx: RouterContext, state: ProviderState, model: string, req: LlmRequest, signal?: AbortSignal): Promise<CallOutcome> {
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
    outcome = await adapter.call(req, ac.signal);
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
function settle(ctx: RouterContext, state: ProviderState, admission: Admission, outcome: CallOutcome): void {
  const counted = QUOTA_MODELS[state.id].tokens;
  if (outcome.usage) admission.settle(outcome.usage[counted]);
  state.observe(outcome);
  if (outcome.ok) {
    state.feedback.onSuccess(outcome.model, outcome.quota);
    return;
  }
  if (outcome.kind === 'rate_limit' || outcome.kind === 'daily_quota') {
    ctx.emit({ type: 'http_429', at: ctx.clock.now(), provider: state.id, model: outcome.model, dimension: outcome.dimension, daily: outcome.kind === 'daily_quota' });
  }
  if (MISCONFIGURED_KINDS.has(outcome.kind)) state.markMisconfigured(outcome);
  else if (MODEL_UNAVAILABLE_KINDS.has(outcome.kind)) state.markUnavailable(outcome);
  else state.feedback.onFailure(outcome);
}
