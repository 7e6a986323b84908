// Mapping the simulator's logged requests back to the submissions they were made for: every prompt embeds the
// submission's fields (electron/validation/prompts.ts), so a request can be matched against the batch.
import { readBatch } from '../../electron/batch/ingest/ingest';
import type { LogEntry } from '../../electron/providers/simulator/types';
import { geminiParts, groqParts, type GeminiRequestBody, type GroqRequestBody } from '../../electron/providers/simulator/wire-judge';
import { promptFields, readSubmissionFields } from '../../electron/validation/prompts';
import { CALL_KINDS } from '../../shared/provider';

function promptText(entry: LogEntry): string {
  return entry.provider === 'gemini' ? geminiParts(entry.request as GeminiRequestBody).text : groqParts(entry.request as GroqRequestBody).text;
}

/**
 * Which submissions a logged request could be for: the prompt embeds the submission's fields, so match them
 * against the batch (rows with the same fields, like a duplicate's, share a request shape: possibly several ids).
 */
export async function requestMatcher(batchFile: string): Promise<(entry: LogEntry) => string[]> {
  const batch = await readBatch(batchFile);
  const byFields = new Map<string, string[]>();
  for (const s of batch.submissions) {
    for (const kind of CALL_KINDS) {
      const key = `${kind}:${JSON.stringify(promptFields(kind, s))}`;
      byFields.set(key, [...(byFields.get(key) ?? []), s.id]);
    }
  }
  return (entry) => {
    const f = readSubmissionFields(promptText(entry));
    return f ? (byFields.get(`${f.kind}:${JSON.stringify(f.fields)}`) ?? []) : [];
  };
}

/** The call kind a logged request asks for, from the fields block in its prompt. */
export function requestKind(entry: LogEntry): string | null {
  return readSubmissionFields(promptText(entry))?.kind ?? null;
}
