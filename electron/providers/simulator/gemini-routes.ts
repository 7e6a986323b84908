// The Gemini wire (docs/providers.md): POST /{v1beta|v1}/models/{model}:generateContent | :streamGenerateContent?alt=sse |
// :countTokens, key in x-goog-api-key (or ?key=). Quotas: rolling minute RPM and input TPM, RPD to midnight Pacific.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { textTokens } from '../token-estimate';
import { GEMINI_BODIES, geminiError, geminiPromptBlocked, geminiReply } from './bodies';
import { faultDelivery } from './faults';
import { deliver, deliverSse, json, serverTiming, type Delivery, type Waits } from './http';
import { geminiQuotaBody } from './quota-gemini';
import { replyText, scriptedDelivery } from './scripted';
import { maskKey, type SimState } from './state';
import { asWritten, thinkThenWrite } from './thinking';
import type { LogEntry } from './types';
import { geminiInputTokens, judgeGemini, type GeminiRequestBody } from './wire-judge';

export const GEMINI_ROUTE = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export async function handleGemini(state: SimState, waits: Waits, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const m = GEMINI_ROUTE.exec(url.pathname);
  const [, version = 'v1beta', model = '', task = 'generateContent'] = m ?? [];
  const route = (m ? task : 'unknown') as LogEntry['route'];
  const key = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key');
  // When the request counted (its quota charge, else its receipt): Server-Timing measures from here.
  let countedAt = state.clock.now();
  const held = () => serverTiming(state.clock.now() - countedAt);
  let body: GeminiRequestBody | null = null;
  let parseError = '';
  try {
    body = JSON.parse(raw.toString('utf8') || '{}') as GeminiRequestBody;
  } catch (err) {
    parseError = (err as Error).message;
  }
  const entry = state.record({
    provider: 'gemini',
    method: req.method ?? 'POST',
    path: url.pathname,
    route,
    model: m ? model : null,
    key: maskKey(key),
    status: 0,
    outcome: 'ok',
    request: body ?? raw.toString('utf8'),
  });
  const send = async (outcome: LogEntry['outcome'], d: Delivery, dimension?: string) => {
    entry.status = d.status;
    entry.outcome = outcome;
    if (dimension) entry.dimension = dimension;
    await deliver(res, waits, { ...d, lateHeaders: held });
  };

  if (!m || req.method !== 'POST') return send('not_found', json(404, geminiError(404, `Path ${url.pathname} is not a Gemini API method.`)));
  if (!key) return send('auth', json(403, GEMINI_BODIES.missingKey()));
  if (!state.acceptKey(key)) return send('auth', json(400, GEMINI_BODIES.invalidKey()));
  if (!body) return send('bad_request', json(400, GEMINI_BODIES.invalidJson(parseError)));
  const request = body;
  const stream = task === 'streamGenerateContent';

  const okBody = async (reply: unknown, finishReason: string | undefined, blockReason?: string): Promise<Delivery> => {
    const j = await judgeGemini(request);
    if (blockReason) return json(200, geminiPromptBlocked(model, blockReason, j.inputTokens));
    // A scripted reply is served as written (the script is what the model wrote); the judged one meets the output cap.
    const written =
      reply === undefined ? thinkThenWrite(model, request.generationConfig, j.reply) : asWritten(model, request.generationConfig, replyText(reply));
    // A scripted MAX_TOKENS cuts the reply in half even when the cap would have held it.
    const text = finishReason === 'MAX_TOKENS' && written.finishReason === 'STOP' ? written.text.slice(0, written.text.length >> 1) : written.text;
    const usage = { inputTokens: j.inputTokens, outputTokens: textTokens(text.length), thinkingTokens: written.thinkingTokens };
    return json(200, geminiReply(model, text, usage, finishReason ?? written.finishReason));
  };

  const scripted = state.takeScript('gemini', model);
  if (scripted) {
    const d = await scriptedDelivery(scripted, {
      ok: okBody,
      fault: (f) => faultDelivery('gemini', f, model),
      error: (s) => geminiError(s, s === 429 ? 'Resource has been exhausted (e.g. check quota).' : 'Scripted error.'),
    });
    return send('scripted', d);
  }
  if (!state.isModel('gemini', model)) return send('not_found', json(404, GEMINI_BODIES.unknownModel(model, version, task)));
  const outage = state.activeOutage('gemini', model);
  if (outage) return send('outage', json(outage.status, outage.status === 503 ? GEMINI_BODIES.overloaded() : GEMINI_BODIES.internal()));

  if (task === 'countTokens') {
    const inner = (request as { generateContentRequest?: GeminiRequestBody }).generateContentRequest ?? request;
    return send('ok', json(200, { totalTokens: await geminiInputTokens(inner) }));
  }

  const judged = await judgeGemini(request);
  const quota = state.geminiQuota(key, model);
  const now = state.clock.now();
  const admission = quota.admit(now, judged.inputTokens);
  if (!admission.ok) return send('rate_limited', json(429, geminiQuotaBody(model, admission)), admission.dimension);
  quota.charge(now, judged.inputTokens);
  countedAt = now;
  entry.charged = { at: now, tokens: judged.inputTokens };

  const latency = state.latencyMs('gemini', model, judged.hasAttachment);
  const written = thinkThenWrite(model, request.generationConfig, judged.reply);
  const usage = { inputTokens: judged.inputTokens, outputTokens: written.outputTokens, thinkingTokens: written.thinkingTokens };
  const outcome = written.finishReason === 'MAX_TOKENS' ? 'truncated' : 'ok';
  // The log shows the answer planned while the request is held; a burst meanwhile answers it instead.
  entry.status = 200;
  entry.outcome = outcome;
  const waited = await state.holding.wait(waits, res, entry, 'gemini', model, stream ? latency / 2 : latency);
  if (!waited) return;
  if (waited !== true) return send('burst', waited);
  if (!stream) return send(outcome, json(200, geminiReply(model, written.text, usage, written.finishReason)));
  const pieces = splitText(written.text, 3);
  const events = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const finish = last && { finishReason: written.finishReason };
    const chunk = { candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, index: 0, ...finish }], modelVersion: model };
    return JSON.stringify(last ? { ...chunk, usageMetadata: geminiReply(model, written.text, usage).usageMetadata } : chunk);
  });
  await deliverSse(res, waits, held(), events, latency / 2 / Math.max(1, pieces.length - 1));
}

export function splitText(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}
