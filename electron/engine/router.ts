// The router: one logical request across providers in fallback order, with circuit- and budget-aware retries
// and the retry wait; each attempt itself is provider-call.ts. When every provider fails and one was merely down,
// the call parks until it recovers (docs/engine-runtime.md).
import type { EngineConfig } from '../../shared/config';
import type { TimelineStep } from '../../shared/domain';
import type { LlmRequest, ProviderId } from '../../shared/provider';
import type { BreakerState, EngineEvent } from '../../shared/telemetry';
import type { Budget } from './budget';
import type { Clock } from './clock';
import { attemptOnce, budgetReason, type AttemptResult } from './provider-call';
import { WAIT_HORIZON_MS } from './limiter/limiter';
import type { ProviderState, Skip } from './provider-state';
import type { Rng } from './rng';

export type RoutedResult = { status: 'ok'; json: unknown; provider: ProviderId; model: string } | { status: 'undetermined'; reason: string };

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
  /**
   * Asked right before the request goes out; false means this process may no longer call for the submission (a fleet
   * worker's claim lapsed) and the caller has aborted `signal`. Nothing is sent then.
   */
  mayCall?: () => boolean;
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

/** What one provider made of the request once its retries are spent. */
type ProviderResult = Exclude<AttemptResult, { kind: 'retry' }>;

/** One pass over the providers: an answer, or why not and which provider (if any) was merely down. */
type Pass =
  | { done: RoutedResult }
  | { done?: undefined; reroute: true }
  | { done?: undefined; reroute?: undefined; reason: string; downOn: ProviderState | null; downSeen: BreakerState };

/**
 * Route one logical request. When no provider answers and one of them was only down (not unable), the call parks on
 * it until it recovers, within `parkMaxMinutes` (0 = end undetermined at once), then routes again from the top.
 */
export async function route(ctx: RouterContext, args: CallArgs): Promise<RoutedResult> {
  const giveUpAt = ctx.clock.now() + ctx.config().parkMaxMinutes * 60_000;
  let ticket: number | undefined;
  for (;;) {
    const pass = await routeOnce(ctx, args);
    if (pass.done) return pass.done;
    if (pass.reroute) continue;
    const now = ctx.clock.now();
    if (!pass.downOn || now >= giveUpAt) return { status: 'undetermined', reason: pass.reason };
    const down = pass.downOn;
    const closed = down.breaker.state === 'closed';
    // Its circuit closed while the fallback refused this call: go back to it now.
    if (closed && pass.downSeen !== 'closed') continue;
    ticket ??= down.parking.ticket();
    // A breaker that never opened sends no wake-up: look again after one cooldown.
    const recheckAt = closed ? now + down.config.breaker.cooldownMs : giveUpAt;
    const parked = args.budget.step('park', args.request.kind, down.id, 0, now);
    parked.note = pass.reason;
    await down.parking.park(ticket, Math.min(recheckAt, giveUpAt), args.signal);
    parked.to = ctx.clock.now();
  }
}

async function routeOnce(ctx: RouterContext, args: CallArgs): Promise<Pass> {
  const reasons: string[] = [];
  const providers = order(ctx);
  const parking = ctx.config().parkMaxMinutes > 0;
  let downOn: ProviderState | null = null;
  let downSeen: BreakerState = 'closed';
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i] as ProviderId;
    if (args.budget.exhausted) {
      ctx.budgetSpent(args.budget);
      const reason = budgetReason(args.budget.max);
      passedOver(ctx, args, p, { kind: 'stop', reason });
      return { done: { status: 'undetermined', reason } };
    }
    const state = ctx.provider(p);
    const tokens = state.adapter?.estimateTokens(args.request) ?? 0;
    const skip = state.skipReason(args.request, tokens) ?? (downOn ? tooBusyToHelp(state) : null);
    const recovered = downOn?.parking.recovered();
    const attempt: ProviderResult = skip
      ? passedOver(ctx, args, p, { kind: 'fallback', ...skip })
      : await attemptWithRetries(ctx, state, tokens, args, recovered);
    if (attempt.kind === 'ok') return { done: { status: 'ok', json: attempt.json, provider: state.id, model: attempt.model } };
    if (attempt.kind === 'stop') return { done: { status: 'undetermined', reason: attempt.reason } };
    if (attempt.kind === 'reroute') return { reroute: true };
    if (attempt.unavailable && parking && !downOn) {
      downOn = state;
      downSeen = state.breaker.state;
    }
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
  return { reason: reasons.join(', ') || 'no provider configured', downOn, downSeen };
}

/** A fallback whose queue is longer than the wait horizon can't take the work of a provider that is only down. */
function tooBusyToHelp(state: ProviderState): Skip | null {
  const waitMs = state.expectedWaitMs();
  return waitMs > WAIT_HORIZON_MS ? { reason: `${state.id} queue too long (${Math.round(waitMs / 60_000)} min)`, unavailable: false } : null;
}

/** Attempts on one provider; a retry is a new admission, and only while the provider is still worth asking. */
async function attemptWithRetries(
  ctx: RouterContext,
  state: ProviderState,
  tokens: number,
  args: CallArgs,
  recovered: AbortSignal | undefined,
): Promise<ProviderResult> {
  for (let n = 0; ; n++) {
    if (args.budget.exhausted) {
      ctx.budgetSpent(args.budget);
      return passedOver(ctx, args, state.id, { kind: 'stop', reason: budgetReason(args.budget.max) });
    }
    if (n > 0) {
      const skip = state.skipReason(args.request, tokens);
      if (skip) return passedOver(ctx, args, state.id, { kind: 'fallback', ...skip });
    }
    const step = args.budget.step('attempt', args.request.kind, state.id, n + 1, ctx.clock.now());
    const attempt = await attemptOnce(ctx, state, tokens, args, n, step, recovered);
    cameTo(step, attempt);
    if (attempt.kind !== 'retry') return attempt;
    // The wait holds no concurrency slot and no quota; the retry goes back through the limiter.
    await ctx.clock.sleep(attempt.afterMs, args.signal);
  }
}

/** What came of a step, on its timeline record: the next move, the backoff before a retry, the reason to move on. */
function cameTo(step: TimelineStep, r: AttemptResult): void {
  step.next = r.kind;
  if (r.kind === 'retry') {
    step.backoffMs = r.afterMs;
    step.note = r.note ?? null;
  } else if (r.kind === 'fallback' || r.kind === 'stop') step.note = r.reason;
}

/** A provider passed over without an attempt (a skip reason, or the budget spent): one zero-length step says so. */
function passedOver<R extends Extract<AttemptResult, { kind: 'fallback' | 'stop' }>>(ctx: RouterContext, args: CallArgs, p: ProviderId, r: R): R {
  cameTo(args.budget.step('skip', args.request.kind, p, 0, ctx.clock.now()), r);
  return r;
}
