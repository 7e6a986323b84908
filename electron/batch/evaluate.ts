// One submission, start to finish: resolve and read its attachments, register its photos in the image
// index (in row order, through the RowBarrier), run the deterministic rules, then the LLM calls that can
// still change the outcome, each through the response cache and the engine. Never throws for bad input:
// an unexpected exception becomes an Error result, and the batch goes on.
import { modelFor } from '../../shared/config';
import type { CallRecord, RuleDefinition, RuleResult, Submission, SubmissionResult } from '../../shared/domain';
import type { CallKind, LlmRequest, ProviderId } from '../../shared/provider';
import type { Budget } from '../engine/budget';
import type { Engine } from '../engine/engine';
import type { Clock } from '../engine/clock';
import { heuristicReply } from '../providers/heuristic';
import type { Store } from '../store/store';
import { cacheKey } from '../store/cache-key';
import type { PhotoHash } from '../store/image-index';
import { fixedVerdicts, llmVerdicts, type LlmOutcome } from '../validation/llm-verdicts';
import { prescore } from '../validation/prescoring';
import { PROMPT_VERSION, buildImageRequest, buildPdfRequest, buildThemeRequest, promptFields } from '../validation/prompts';
import { replyProblem } from '../validation/replies';
import { errorResult, buildResult } from '../validation/result';
import { evaluateDeterministic } from '../validation/rules-deterministic';
import type { AttachmentResolver } from './attachments/attachments';
import { extractPdf, type PdfFacts } from './extract/extract-pdf';
import { prepareImage, type ImageFacts } from './extract/extract-image';
import type { RowBarrier } from './row-barrier';

/** What evaluation reads and writes in the store (a distributed worker backs it without the coordinator's SQLite). */
export type EvaluationStore = Pick<Store, 'cacheGet' | 'cachePut' | 'registerImages' | 'duplicatesOf'>;

export interface EvaluationContext {
  engine: Engine;
  store: EvaluationStore;
  clock: Clock;
  runId: number;
  rules: readonly RuleDefinition[];
  threshold: number;
  /** Null when the operator gave no attachments folder: every attachment is missing. */
  resolver: AttachmentResolver | null;
  barrier: RowBarrier;
  signal: AbortSignal;
  /** A fleet worker's claim on the submission: checked before each provider call (see CallArgs.mayCall). */
  mayCall?: () => boolean;
}

export const NOT_EVALUATED_REOPENED = 'not evaluated: the submission is reopened for missing inputs';

type Loaded<T> = { ok: true; facts: T } | { ok: false; reason: string };

async function load<T extends { ok: true }>(
  ctx: EvaluationContext,
  raw: string | null,
  eventDriven: number | null,
  what: string,
  read: (file: string) => Promise<T | { ok: false; reason: string }>,
): Promise<Loaded<T>> {
  if (!raw) return { ok: false, reason: `no ${what} given` };
  if (!ctx.resolver) return { ok: false, reason: `${what} not found: no attachments folder was given` };
  const where = await ctx.resolver.resolve(raw, eventDriven);
  if (!where.ok) return { ok: false, reason: `${what}: ${where.reason}` };
  const facts = await read(where.path);
  return facts.ok ? { ok: true, facts: facts as T } : { ok: false, reason: `${what}: ${facts.reason}` };
}

interface Inputs {
  pdf: Loaded<PdfFacts>;
  photos: { slot: number; loaded: Loaded<ImageFacts> }[];
}

async function loadInputs(ctx: EvaluationContext, s: Submission): Promise<Inputs> {
  const [pdf, photos] = await Promise.all([
    load<PdfFacts>(ctx, s.reportPath, s.eventDriven, 'PDF report', (f) => extractPdf(f)),
    Promise.all(s.photoPaths.map((p, i) => load<ImageFacts>(ctx, p, s.eventDriven, `photo ${i + 1}`, (f) => prepareImage(f)))),
  ]);
  return { pdf, photos: photos.map((loaded, i) => ({ slot: i + 1, loaded })) };
}

function usable(inputs: Inputs): { slot: number; facts: ImageFacts }[] {
  return inputs.photos.flatMap((p) => (p.loaded.ok ? [{ slot: p.slot, facts: p.loaded.facts }] : []));
}

/** Register this row's photos, then wait for every earlier row, then ask the index: row-order ownership. */
async function duplicates(ctx: EvaluationContext, s: Submission, photos: { slot: number; facts: ImageFacts }[]) {
  const hashes: PhotoHash[] = photos.map((p) => ({ photo: p.slot, sha256: p.facts.sha256, phash: p.facts.phash }));
  try {
    if (hashes.length > 0) ctx.store.registerImages(ctx.runId, [{ submissionId: s.id, row: s.row, photos: hashes }]);
  } finally {
    ctx.barrier.release(s.row);
  }
  await ctx.barrier.waitForRowsBefore(s.row, ctx.signal);
  return ctx.store.duplicatesOf(ctx.runId, s.id, hashes, ctx.engine.config.phashThreshold);
}

function buildRequest(kind: CallKind, s: Submission, inputs: Inputs): { request: LlmRequest; hashes: string[] } {
  if (kind === 'theme') return { request: buildThemeRequest(s), hashes: [] };
  if (kind === 'pdf') {
    const pdf = (inputs.pdf as { ok: true; facts: PdfFacts }).facts;
    return { request: buildPdfRequest(s, { bytes: pdf.bytes, text: pdf.text, pages: pdf.pages }), hashes: [pdf.sha256] };
  }
  const photos = usable(inputs);
  return {
    request: buildImageRequest(
      s,
      photos.map((p) => p.facts.jpeg),
    ),
    hashes: photos.map((p) => p.facts.sha256),
  };
}

/** One logical call: a cached reply for any provider's model in routing order, else the engine. */
async function judgeCall(
  ctx: EvaluationContext,
  s: Submission,
  kind: CallKind,
  inputs: Inputs,
  budget: ReturnType<Engine['newBudget']>,
  firstCall: () => Promise<void>,
): Promise<LlmOutcome> {
  const config = ctx.engine.config;
  const { request, hashes } = buildRequest(kind, s, inputs);
  const keyFor = (p: ProviderId) =>
    cacheKey({
      model: modelFor(config.providers[p], kind),
      promptVersion: PROMPT_VERSION[kind],
      kind,
      fields: { ...promptFields(kind, s) },
      attachmentHashes: hashes,
    });
  for (const p of config.providerOrder) {
    const hit = ctx.store.cacheGet(keyFor(p));
    if (hit) return { ok: true, json: hit.json, source: 'cache' };
  }
  await firstCall();
  const routed = await ctx.engine.call({ submissionId: s.id, budget, request, signal: ctx.signal, mayCall: ctx.mayCall });
  if (routed.status !== 'ok') {
    if (!config.heuristicFallback) return { ok: false, reason: routed.reason };
    const evidence = { pdfText: inputs.pdf.ok ? inputs.pdf.facts.text : null, photos: usable(inputs).map((p) => p.facts) };
    return { ok: true, json: heuristicReply(kind, promptFields(kind, s), evidence), source: 'heuristic' };
  }
  if (replyProblem(kind, routed.json) === null) {
    ctx.store.cachePut(keyFor(routed.provider), { kind, json: routed.json, provider: routed.provider, model: routed.model });
  }
  return { ok: true, json: routed.json, source: routed.provider };
}

function inTableOrder(rules: readonly RuleDefinition[], results: RuleResult[]): RuleResult[] {
  const at = new Map(rules.map((r, i) => [r.id, i]));
  return [...results].sort((a, b) => (at.get(a.ruleId) ?? 0) - (at.get(b.ruleId) ?? 0));
}

export async function evaluateSubmission(ctx: EvaluationContext, s: Submission): Promise<SubmissionResult> {
  const budget = ctx.engine.newBudget(s.id);
  const calls = (): CallRecord[] => budget.calls;
  let released = false;
  try {
    const inputs = await loadInputs(ctx, s);
    const photos = usable(inputs);
    released = true;
    const matches = await duplicates(ctx, s, photos);
    const known: RuleResult[] = evaluateDeterministic(ctx.rules, s, {
      photoHasGps: photos.map((p) => p.facts.gps !== null),
      duplicates: matches,
    });

    const reopen = !inputs.pdf.ok || photos.length === 0;
    const pending: CallKind[] = ['theme', 'pdf', 'image'];
    if (reopen) {
      // ours: a reopened submission comes back with its inputs and is judged then; calls now waste quota.
      // The Reopen reason leads "Requirements Not Met"; the rules keep the specific cause for the drawer.
      const reasonFor = (kind: CallKind) =>
        kind === 'pdf' && !inputs.pdf.ok ? inputs.pdf.reason : kind === 'image' && photos.length === 0 ? photoReason(inputs) : NOT_EVALUATED_REOPENED;
      for (const kind of pending) known.push(...fixedVerdicts(ctx.rules, kind, 'skipped', reasonFor(kind)));
      pending.length = 0;
    } else if (!s.theme) {
      known.push(...fixedVerdicts(ctx.rules, 'theme', 'fail', 'no theme declared'));
      pending.splice(pending.indexOf('theme'), 1);
    }

    let staggered: Promise<void> | null = null;
    const firstCall = () => (staggered ??= ctx.engine.stagger(ctx.signal, budget));
    const pdfText = inputs.pdf.ok ? inputs.pdf.facts.text : null;
    while (pending.length > 0) {
      const decision = prescore({ rules: ctx.rules, known, pending, threshold: ctx.threshold, mode: ctx.engine.config.evaluationMode, reopen });
      for (const skip of decision.skip) known.push(...fixedVerdicts(ctx.rules, skip.kind, 'skipped', skip.reason));
      if (decision.calls.length === 0) break;
      // Full mode asks every useful question at once; minimal mode one at a time, re-deciding after each.
      const now = ctx.engine.config.evaluationMode === 'full' ? decision.calls : decision.calls.slice(0, 1);
      const outcomes = await Promise.all(now.map((kind) => judgeCall(ctx, s, kind, inputs, budget, firstCall)));
      now.forEach((kind, i) => known.push(...llmVerdicts(kind, ctx.rules, outcomes[i] as LlmOutcome, pdfText)));
      const left = new Set([...now, ...decision.skip.map((x) => x.kind)]);
      const rest = pending.filter((k) => !left.has(k));
      pending.length = 0;
      pending.push(...rest);
    }

    const result = buildResult({
      submission: s,
      rules: inTableOrder(ctx.rules, known),
      threshold: ctx.threshold,
      pdfReadable: inputs.pdf.ok,
      usablePhotos: photos.length,
      calls: calls(),
      finishedAt: ctx.clock.now(),
    });
    return withTimeline(result, budget);
  } catch (err) {
    if (ctx.signal.aborted) throw err; // cancelled: the row stays unfinished and a resume redoes it
    return withTimeline(errorResult(s, err, calls(), ctx.clock.now()), budget);
  } finally {
    if (!released) ctx.barrier.release(s.row);
  }
}

/** The steps of the submission's calls go with its result, for the drawer's timeline (docs/console.md §16). */
function withTimeline(result: SubmissionResult, budget: Budget): SubmissionResult {
  if (budget.timeline.length > 0) result.timeline = budget.timeline;
  return result;
}

function photoReason(inputs: Inputs): string {
  const reasons = inputs.photos.flatMap((p) => (p.loaded.ok ? [] : [p.loaded.reason]));
  return reasons.length > 0 ? reasons.join('; ') : 'no photo given';
}
