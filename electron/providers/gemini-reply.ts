// Reading a Gemini 200 (docs/providers.md §2): the SDK's text() throws only on SAFETY, RECITATION and LANGUAGE and
// returns "" for every other stop, so every finish reason and prompt block reason is classified here, explicitly.
import type { GenerateContentResponse } from '@google/generative-ai';
import type { FailureKind } from '../../shared/provider';

export type GeminiReading = { ok: true; text: string } | { ok: false; kind: FailureKind; message: string; truncated?: boolean };

/** Finish reasons after which the reply text is complete. */
const COMPLETE = new Set(['STOP']);

export function readGeminiResponse(response: GenerateContentResponse): GeminiReading {
  const block = response.promptFeedback?.blockReason;
  const candidate = response.candidates?.[0];
  if (!candidate) {
    if (block) {
      const why = (response.promptFeedback as { blockReasonMessage?: string } | undefined)?.blockReasonMessage;
      return { ok: false, kind: 'safety', message: `Gemini blocked the prompt: ${block}${why ? ` (${why})` : ''}` };
    }
    return { ok: false, kind: 'malformed', message: 'Gemini answered with no candidates' };
  }
  const reason = candidate.finishReason as string | undefined;
  if (reason === 'MAX_TOKENS') {
    return { ok: false, kind: 'truncated', message: 'Gemini stopped at the output limit (MAX_TOKENS): the reply was cut off', truncated: true };
  }
  if (reason !== undefined && !COMPLETE.has(reason)) {
    const why = (candidate as { finishMessage?: string }).finishMessage;
    return { ok: false, kind: 'safety', message: `Gemini stopped the reply: ${reason}${why ? ` (${why})` : ''}` };
  }
  // Thought summaries (parts marked `thought`) are not the answer.
  const parts = (candidate.content?.parts ?? []) as Array<{ text?: string; thought?: boolean }>;
  const text = parts
    .filter((p) => !p.thought)
    .map((p) => p.text ?? '')
    .join('');
  if (!text.trim()) return { ok: false, kind: 'malformed', message: `Gemini finished (${reason ?? 'no finish reason'}) with no reply text` };
  return { ok: true, text };
}
