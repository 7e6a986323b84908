// The providers' real response and error bodies (docs/providers.md), in one place for the routes and the tests.
import type { Usage } from '../../../shared/provider';

const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function geminiError(code: number, message: string, details?: unknown[]) {
  return { error: { code, message, status: GEMINI_STATUS[code] ?? 'UNKNOWN', ...(details && { details }) } };
}

export const GEMINI_BODIES = {
  missingKey: () =>
    geminiError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),
  invalidKey: () =>
    geminiError(400, 'API key not valid. Please pass a valid API key.', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ]),
  unknownModel: (model: string, version: string, task: string) =>
    geminiError(
      404,
      `models/${model} is not found for API version ${version}, or is not supported for ${task}. Call ListModels to see the list of available models and their supported methods.`,
    ),
  overloaded: () => geminiError(503, 'The model is overloaded. Please try again later.'),
  internal: () =>
    geminiError(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'),
  invalidJson: (why: string) => geminiError(400, `Invalid JSON payload received. ${why}`),
};

export interface GeminiReplyUsage extends Pick<Usage, 'inputTokens' | 'outputTokens'> {
  thinkingTokens?: number;
}

/**
 * A generateContent 200. STOP carries the text; MAX_TOKENS carries what fit (no `parts` at all when thinking used the
 * whole cap, as the real API answers); any other finish reason has no content and the safety ratings.
 */
export function geminiReply(model: string, text: string, usage: GeminiReplyUsage, finishReason = 'STOP') {
  const blocked = finishReason !== 'STOP' && finishReason !== 'MAX_TOKENS';
  const thoughts = usage.thinkingTokens ?? 0;
  const written = blocked ? 0 : usage.outputTokens;
  const content = blocked ? undefined : text ? { role: 'model', parts: [{ text }] } : { role: 'model' };
  return {
    candidates: [
      {
        ...(content && { content }),
        finishReason,
        index: 0,
        ...(blocked && { safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }),
      },
    ],
    usageMetadata: {
      promptTokenCount: usage.inputTokens,
      ...(written > 0 && { candidatesTokenCount: written }),
      totalTokenCount: usage.inputTokens + written + thoughts,
      ...(thoughts > 0 && { thoughtsTokenCount: thoughts }),
    },
    modelVersion: model,
  };
}

/** A prompt blocked before any candidate: promptFeedback.blockReason and no `candidates` (docs/providers.md §2). */
export function geminiPromptBlocked(model: string, blockReason: string, inputTokens: number) {
  return {
    promptFeedback: { blockReason, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] },
    usageMetadata: { promptTokenCount: inputTokens, totalTokenCount: inputTokens },
    modelVersion: model,
  };
}

export function groqError(message: string, type: string, code?: string) {
  return { error: { message, type, ...(code && { code }) } };
}

export const GROQ_BODIES = {
  invalidKey: () => groqError('Invalid API Key', 'invalid_request_error', 'invalid_api_key'),
  unknownModel: (model: string) =>
    groqError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
  overCapacity: (model: string) =>
    groqError(
      `${model} is currently over capacity. Please try again and back off exponentially. Visit https://groqstatus.com to see if there is an active incident.`,
      'internal_server_error',
    ),
  internal: () => groqError('Internal Server Error', 'internal_server_error'),
  invalidJson: (why: string) => groqError(`We could not parse the JSON body of your request. (${why})`, 'invalid_request_error'),
  tooManyImages: (max: number) => groqError(`Too many images provided. This model supports up to ${max} images`, 'invalid_request_error'),
  noVision: (model: string) => groqError(`model \`${model}\` does not support image input.`, 'invalid_request_error'),
  base64TooLarge: () => groqError('Request Entity Too Large: base64 encoded images are limited to 4MB', 'invalid_request_error', 'request_too_large'),
  jsonValidateFailed: (generation: string) => ({
    error: {
      message: "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
      type: 'invalid_request_error',
      code: 'json_validate_failed',
      failed_generation: generation,
    },
  }),
};

let completionSeq = 0;

export function groqReply(model: string, text: string, usage: Pick<Usage, 'inputTokens' | 'outputTokens'>, created: number) {
  const id = `chatcmpl-sim-${++completionSeq}`;
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(created / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      queue_time: 0.01,
      prompt_time: 0.02,
      completion_time: 0.1,
      total_time: 0.13,
    },
    system_fingerprint: 'fp_simulated',
    x_groq: { id: `req_sim_${completionSeq}` },
  };
}
