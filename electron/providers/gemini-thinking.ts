// Thinking models (docs/providers.md §3). On Gemini 2.5 and later the model thinks before it answers and the thinking
// tokens count against maxOutputTokens, so a small output cap leaves no room for the reply (200, MAX_TOKENS, no text).
// We send a bounded thinkingConfig.thinkingBudget and size maxOutputTokens as that budget plus the reply's own cap.

/** Allowed thinkingBudget range per model family; Pro cannot switch thinking off (its minimum is 128). */
interface BudgetRange {
  min: number;
  max: number;
}

const PRO: BudgetRange = { min: 128, max: 32_768 };
const FLASH: BudgetRange = { min: 0, max: 24_576 };
/** Flash-Lite accepts 0 (off) or 512..24576; below 512 we round up rather than switch thinking off. */
const FLASH_LITE: BudgetRange = { min: 512, max: 24_576 };

/** The thinking budget's range for `model`, or null for a model that does not think (1.5, 2.0 non-thinking). */
export function thinkingRange(model: string): BudgetRange | null {
  const name = model.replace(/^models\//, '').toLowerCase();
  const m = /^gemini-(\d+(?:\.\d+)?)/.exec(name);
  const version = m ? Number(m[1]) : NaN;
  if (!(version >= 2.5) && !name.includes('thinking')) return null;
  if (name.includes('flash-lite')) return FLASH_LITE;
  if (name.includes('flash')) return FLASH;
  return PRO;
}

/** The retry after a truncation gets this many times the budget (and twice the reply room): never the same bytes. */
const BOOST = 4;

export interface ThinkingPlan {
  /** Absent for a model that does not think: the request carries no thinkingConfig. */
  thinkingBudget?: number;
  maxOutputTokens: number;
}

/**
 * What to send for one call. `budget` is the configured GEMINI_THINKING_BUDGET; `boosted` is the one retry after a
 * MAX_TOKENS, which gets a larger budget and a larger cap.
 */
export function thinkingPlan(model: string, budget: number, replyTokens: number, boosted: boolean): ThinkingPlan {
  const range = thinkingRange(model);
  const reply = boosted ? replyTokens * 2 : replyTokens;
  if (!range) return { maxOutputTokens: reply };
  const wanted = boosted ? Math.max(budget * BOOST, budget + 1024) : budget;
  const thinkingBudget = Math.min(range.max, Math.max(range.min, Math.round(wanted)));
  return { thinkingBudget, maxOutputTokens: thinkingBudget + reply };
}
