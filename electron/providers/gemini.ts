// Gemini through @google/generative-ai. The SDK is confined to this file, so moving to @google/genai touches nothing
// else. The SDK never retries; its own timeout timer leaks, so the call runs under our Deadline instead.
import { GoogleGenerativeAI, type GenerationConfig, type Part, type ResponseSchema, type UsageMetadata } from '@google/generative-ai';
import { DEFAULT_CONFIG, modelFor as modelForKind } from '../../shared/config';
import type { CallKind, CallOutcome, LlmRequest, Usage } from '../../shared/provider';
import { RealClock } from '../engine/clock';
import type { ProviderAdapter } from '../engine/adapter';
import type { ProviderClientOptions } from './client-options';
import { startDeadline } from './deadline';
import { classifyGemini } from './gemini-errors';
import { openTap, type FetchTap } from './gemini-fetch';
import { readGeminiResponse } from './gemini-reply';
import { thinkingPlan } from './gemini-thinking';
import { failure, fromReplyText, type CallContext } from './outcome';
import { geminiTokens } from './token-estimate';

export interface GeminiAdapterOptions extends ProviderClientOptions {
  apiVersion?: 'v1beta' | 'v1';
  /** GEMINI_THINKING_BUDGET: thinking tokens a thinking model may spend per call (docs/providers.md §3). */
  thinkingBudget?: number;
}

/** Sent inside generationConfig; the 0.24 SDK has no type for it but passes generationConfig through as JSON. */
interface ThinkingConfig {
  thinkingConfig?: { thinkingBudget: number };
}

/** usageMetadata as the API sends it for thinking models; the 0.24 SDK's type predates thoughtsTokenCount. */
type UsageWithThoughts = UsageMetadata & { thoughtsTokenCount?: number };

/** Thinking tokens are billed as output: they count in outputTokens (and so in cost), and are reported apart. */
function geminiUsage(meta: UsageWithThoughts | undefined): Usage {
  const input = meta?.promptTokenCount ?? 0;
  const thoughts = meta?.thoughtsTokenCount ?? 0;
  const output = (meta?.candidatesTokenCount ?? 0) + thoughts;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: meta?.totalTokenCount ?? input + output,
    ...(thoughts > 0 && { thinkingTokens: thoughts }),
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

type Tap = ReturnType<typeof openTap>;

/**
 * The request reached the server no later than its response headers came back, less the time the server says it spent
 * (Server-Timing): that time goes on the outcome, for the limiter to keep the charge in its window until the server's
 * has surely let it go (docs/engine.md §1, "Arrival"). Without the server's time nothing is claimed.
 */
function withArrival(outcome: CallOutcome, tap: FetchTap): CallOutcome {
  if (tap.headersAt === undefined || tap.serverMs === undefined) return outcome;
  return { ...outcome, arrivedBy: tap.headersAt - tap.serverMs };
}

export function createGeminiAdapter(opts: GeminiAdapterOptions): ProviderAdapter {
  const clock = opts.clock ?? new RealClock();
  const client = new GoogleGenerativeAI(opts.apiKey);
  const requestOptions = {
    ...(opts.baseUrl && { baseUrl: opts.baseUrl.replace(/\/+$/, '') }),
    ...(opts.apiVersion && { apiVersion: opts.apiVersion }),
  };
  const modelFor = (kind: CallKind) => modelForKind(opts, kind);
  const budget = opts.thinkingBudget ?? DEFAULT_CONFIG.providers.gemini.thinkingBudget ?? 0;
  // Requests that came back MAX_TOKENS once: their one retry is sent with a larger budget, never the same bytes.
  const truncatedOnce = new WeakSet<LlmRequest>();

  async function call(req: LlmRequest, signal: AbortSignal): Promise<CallOutcome> {
    const ctx: CallContext = { provider: 'gemini', model: modelFor(req.kind), startedAt: clock.now(), now: () => clock.now() };
    const tap = openTap(ctx.now);
    try {
      return withArrival(await send(ctx, req, signal, tap), tap.tap);
    } finally {
      tap.close();
    }
  }

  async function send(ctx: CallContext, req: LlmRequest, signal: AbortSignal, tap: Tap): Promise<CallOutcome> {
    const boosted = truncatedOnce.has(req);
    const plan = thinkingPlan(ctx.model, budget, req.maxOutputTokens, boosted);
    const generationConfig: GenerationConfig & ThinkingConfig = {
      responseMimeType: 'application/json',
      responseSchema: req.schema as unknown as ResponseSchema,
      maxOutputTokens: plan.maxOutputTokens,
      temperature: 0,
      ...(plan.thinkingBudget !== undefined && { thinkingConfig: { thinkingBudget: plan.thinkingBudget } }),
    };
    const deadline = startDeadline(clock, opts.timeoutMs, signal);
    try {
      const model = client.getGenerativeModel(
        { model: ctx.model, systemInstruction: req.system, safetySettings: [], generationConfig },
        requestOptions,
      );
      const parts: Part[] = [{ text: req.prompt }];
      if (req.pdf) parts.push({ inlineData: { mimeType: 'application/pdf', data: base64(req.pdf.bytes) } });
      for (const img of req.images ?? []) parts.push({ inlineData: { mimeType: 'image/jpeg', data: base64(img) } });
      const { response } = await model.generateContent(
        { contents: [{ role: 'user', parts }] },
        { signal: deadline.signal, customHeaders: tap.headers },
      );
      const usage = geminiUsage(response.usageMetadata as UsageWithThoughts | undefined);
      const reading = readGeminiResponse(response);
      if (reading.ok) return fromReplyText(ctx, reading.text, req.schema, usage);
      if (!reading.truncated) return failure(ctx, reading.kind, reading.message, { usage });
      truncatedOnce.add(req);
      const spent = usage.thinkingTokens !== undefined ? `, ${usage.thinkingTokens} spent thinking` : '';
      const sent = `maxOutputTokens ${plan.maxOutputTokens}${plan.thinkingBudget !== undefined ? `, thinking budget ${plan.thinkingBudget}` : ''}`;
      return failure(ctx, 'truncated', `${reading.message} (${sent}${spent})`, { usage, ...(boosted && { final: true }) });
    } catch (err) {
      return classifyGemini(ctx, err, deadline, tap.tap);
    } finally {
      deadline.dispose();
    }
  }

  return {
    id: 'gemini',
    modelFor,
    supports: () => true, // reads PDFs natively, text layer or not
    estimateTokens: (req) =>
      geminiTokens({ chars: req.system.length + req.prompt.length, images: req.images?.length ?? 0, pdfPages: req.pdf?.pages ?? 0 }),
    call,
  };
}
