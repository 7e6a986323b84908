// How the simulated Gemini thinks (docs/providers.md §6): a thinking model (2.5 and later) spends its thinking budget
// before it writes, and those tokens come out of maxOutputTokens, as on the real service. Without a thinkingConfig it
// thinks dynamically, more than our prompts' output caps, so a request sized as before the fix ends MAX_TOKENS.
import { thinkingRange } from '../gemini-thinking';
import { textTokens } from '../token-estimate';

/** Thinking tokens the dynamic default spends on our prompts (the real 2.5 Pro spends well over a thousand). */
export const DYNAMIC_THINKING_TOKENS = 1500;

export interface ThinkingConfigBody {
  maxOutputTokens?: number;
  thinkingConfig?: { thinkingBudget?: number };
}

export interface ThoughtfulReply {
  /** The reply as cut by the output cap ('' when thinking used it all). */
  text: string;
  finishReason: 'STOP' | 'MAX_TOKENS';
  thinkingTokens: number;
  outputTokens: number;
}

/** A reply exactly as given (scripted), after the thinking the model would have spent. */
export function asWritten(model: string, cfg: ThinkingConfigBody | undefined, text: string): ThoughtfulReply {
  const thought = thinkThenWrite(model, { ...cfg, maxOutputTokens: Number.POSITIVE_INFINITY }, text);
  return { ...thought, text, finishReason: 'STOP' };
}

/** The reply `full` as a model with `cfg` writes it: thinking first, then as much reply as the cap leaves. */
export function thinkThenWrite(model: string, cfg: ThinkingConfigBody | undefined, full: string): ThoughtfulReply {
  const range = thinkingRange(model);
  const asked = cfg?.thinkingConfig?.thinkingBudget;
  const dynamic = asked === undefined || asked < 0;
  const thinking = !range ? 0 : dynamic ? DYNAMIC_THINKING_TOKENS : Math.min(range.max, Math.max(range.min, asked));
  const cap = cfg?.maxOutputTokens ?? Number.POSITIVE_INFINITY;
  const wanted = textTokens(full.length);
  if (thinking + wanted <= cap) return { text: full, finishReason: 'STOP', thinkingTokens: thinking, outputTokens: wanted };
  const room = Math.max(0, cap - thinking);
  // Dynamic thinking stops at the cap; a fixed budget is spent in full, so the thoughts never exceed what was allowed.
  const spent = Math.min(thinking, cap);
  return { text: full.slice(0, room * 4), finishReason: 'MAX_TOKENS', thinkingTokens: spent, outputTokens: room };
}
