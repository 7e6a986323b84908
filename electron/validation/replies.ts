// The JSON replies of the three LLM calls (docs/domain.md §5), validated before any verdict is taken from them.
// A reply that doesn't fit is a failed call (retryable), never a "NO".
import { z } from 'zod';
import type { CallKind } from '../../shared/provider';

export const themeReplySchema = z.object({
  aligned: z.boolean(),
  reason: z.string().optional(),
});

export const pdfReplySchema = z.object({
  title_match: z.boolean(),
  expert_details: z.boolean(),
  learning_outcomes_align: z.boolean(),
  objectives_match: z.boolean(),
  participants_valid: z.boolean(),
  reasoning: z.string().optional(),
});

export const imageReplySchema = z.object({
  has_banner: z.boolean(),
  is_real_event: z.boolean(),
  mode_matches: z.boolean(),
  participant_count: z.number().int().nonnegative().nullable().optional(),
  has_15_plus_participants: z.boolean(),
  reasoning: z.string().optional(),
});

export type ThemeReply = z.infer<typeof themeReplySchema>;
export type PdfReply = z.infer<typeof pdfReplySchema>;
export type ImageReply = z.infer<typeof imageReplySchema>;

export const REPLY_SCHEMAS = { theme: themeReplySchema, pdf: pdfReplySchema, image: imageReplySchema } as const;

/** Why a reply doesn't fit its schema, in one line; null when it fits. */
export function replyProblem(kind: CallKind, json: unknown): string | null {
  const parsed = REPLY_SCHEMAS[kind].safeParse(json);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join('.') || 'reply'}: ${issue.message}` : 'reply does not fit the schema';
}
