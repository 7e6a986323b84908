// The Groq wire (docs/providers.md): POST /openai/v1/chat/completions (streamed or not), GET /openai/v1/models, key as a
// Bearer token. Four refilling buckets per (key, model), x-ratelimit-* headers on every response that reaches the
// quota, retry-after on 429, and 413 for a request above the TPM limit or base64 images over 4 MB.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GROQ_MAX_BASE64_BYTES, GROQ_MAX_IMAGES } from '../groq';
import { textTokens } from '../token-estimate';
import { GROQ_BODIES, groqError, groqReply } from './bodies';
import { faultDelivery } from './faults';
import { deliver, deliverSse, json, type Delivery, type Waits } from './http';
import { GROQ_VISION_MODELS } from './presets';
import { groqRateLimitBody, groqTooLargeBody } from './quota-groq';
import { replyText, scriptedDelivery } from './scripted';
import { maskKey, type SimState } from './state';
import type { LogEntry } from './types';
import { groqParts, judgeGroq, type GroqRequestBody } from './wire-judge';

export const GROQ_PREFIX = '/openai/v1/';
/** What Groq reserves for the completion when the request sets no limit. */
const DEFAULT_COMPLETION_RESERVE = 1_024;

export async function handleGroq(state: SimState, waits: Waits, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const route: LogEntry['route'] =
    url.pathname === '/openai/v1/chat/completions' ? 'chat.completions' : url.pathname === '/openai/v1/models' ? 'models' : 'unknown';
  const auth = req.headers.authorization;
  const key = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
  let body: GroqRequestBody | null = null;
  let parseError = '';
  if (route === 'chat.completions') {
    try {
      body = JSON.parse(raw.toString('utf8')) as GroqRequestBody;
    } catch (err) {
      parseError = (err as Error).message;
    }
  }
  const model = typeof body?.model === 'string' ? body.model : null;
  const entry = state.record({
    provider: 'groq',
    method: req.method ?? 'GET',
    path: url.pathname,
    route,
    model,
    key: maskKey(key),
    status: 0,
    outcome: 'ok',
    request: body ?? (raw.length ? raw.toString('utf8') : null),
  });
  const send = async (outcome: LogEntry['outcome'], d: Delivery, dimension?: string) => {
    entry.status = d.status;
    entry.outcome = outcome;
    if (dimension) entry.dimension = dimension;
    await deliver(res, waits, d);
  };

  if (route === 'unknown') return send('not_found', json(404, groqError('Unknown request URL', 'invalid_request_error', 'unknown_url')));
  if (!key || !state.acceptKey(key)) return send('auth', json(401, GROQ_BODIES.invalidKey()));
  if (route === 'models') {
    const data = state
      .models('groq')
      .map((id) => ({ id, object: 'model', created: 1_733_000_000, owned_by: 'Meta', active: true, context_window: 131_072 }));
    return send('ok', json(200, { object: 'list', data }));
  }
  if (req.method !== 'POST') return send('not_found', json(404, groqError('Unknown request URL', 'invalid_request_error', 'unknown_url')));
  if (!body) return send('bad_request', json(400, GROQ_BODIES.invalidJson(parseError)));
  const request = body;
  const name = model ?? '';

  const scripted = state.takeScript('groq', name);
  if (scripted) {
    const d = await scriptedDelivery(scripted, {
      fault: (f) => faultDelivery('groq', f, name),
      ok: async (reply) => {
        const j = judgeGroq(request);
        const text = reply === undefined ? j.reply : replyText(reply);
        return json(200, groqReply(name, text, { inputTokens: j.inputTokens, outputTokens: textTokens(text.length) }, state.clock.now()));
      },
      error: (s) =>
        s === 429
          ? groqError('Rate limit reached (scripted).', 'requests', 'rate_limit_exceeded')
          : s >= 500
            ? GROQ_BODIES.internal()
            : groqError('Scripted error.', 'invalid_request_error'),
    });
    return send('scripted', d);
  }
  if (!state.isModel('groq', name)) return send('not_found', json(404, GROQ_BODIES.unknownModel(name)));

  const quota = state.groqQuota(key, name);
  // The real header set: request id and region on every answer that reaches the quota (a 401 carries neither).
  const headers = () => ({ ...quota.headers(state.clock.now()), 'x-request-id': `req_sim_${entry.seq}`, 'x-groq-region': 'sim' });
  const outage = state.activeOutage('groq', name);
  if (outage) return send('outage', json(outage.status, outage.status === 503 ? GROQ_BODIES.overCapacity(name) : GROQ_BODIES.internal(), headers()));

  const { text, imageUrls } = groqParts(request);
  if (imageUrls.length > 0 && !GROQ_VISION_MODELS.has(name)) return send('bad_request', json(400, GROQ_BODIES.noVision(name), headers()));
  if (imageUrls.length > GROQ_MAX_IMAGES) return send('bad_request', json(400, GROQ_BODIES.tooManyImages(GROQ_MAX_IMAGES), headers()));
  if (imageUrls.reduce((s, u) => s + u.length, 0) > GROQ_MAX_BASE64_BYTES)
    return send('too_large', json(413, GROQ_BODIES.base64TooLarge(), headers()));
  if (request.response_format?.type === 'json_object' && !/json/i.test(text)) {
    return send(
      'bad_request',
      json(
        400,
        groqError("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'invalid_request_error'),
        headers(),
      ),
    );
  }

  const judged = judgeGroq(request);
  const requested = judged.inputTokens + (request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_COMPLETION_RESERVE);
  const now = state.clock.now();
  const admission = quota.admit(now, requested);
  if (!admission.ok) {
    if (admission.status === 413) return send('too_large', json(413, groqTooLargeBody(name, admission), headers()), 'TPM');
    const retryAfter = String(Math.max(1, Math.ceil(admission.waitMs / 1000)));
    return send('rate_limited', json(429, groqRateLimitBody(name, admission), { ...headers(), 'retry-after': retryAfter }), admission.dimension);
  }
  // Groq checks the reservation but charges what was used.
  quota.charge(now, judged.inputTokens + judged.outputTokens);
  entry.charged = { at: now, tokens: judged.inputTokens + judged.outputTokens };

  const latency = state.latencyMs('groq', name, judged.hasAttachment);
  const usage = { inputTokens: judged.inputTokens, outputTokens: judged.outputTokens };
  const completion = groqReply(name, judged.reply, usage, now);
  // A plain answer's headers are as of the charge. While held, the log shows the answer planned, which a burst may
  // replace (docs/providers.md §6).
  const answerHeaders = headers();
  entry.status = 200;
  entry.outcome = 'ok';
  const waited = await state.holding.wait(waits, res, entry, 'groq', name, request.stream ? latency / 2 : latency);
  if (!waited) return;
  if (waited !== true) return send('burst', waited);
  if (!request.stream) return send('ok', json(200, completion, answerHeaders));
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: name, system_fingerprint: 'fp_simulated' };
  const pieces = [judged.reply.slice(0, judged.reply.length >> 1), judged.reply.slice(judged.reply.length >> 1)];
  const events = [
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      x_groq: { id: completion.x_groq.id },
    }),
    ...pieces.map((content) => JSON.stringify({ ...base, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] })),
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      x_groq: { id: completion.x_groq.id, usage: completion.usage },
    }),
    '[DONE]',
  ];
  await deliverSse(res, waits, headers(), events, latency / 2 / events.length);
}
