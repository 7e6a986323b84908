// Prompts and reply schemas of the three LLM calls (docs/domain.md §5). Each kind has a PROMPT_VERSION that is part of the
// cache key: change a prompt, bump its version, and cached replies to the old wording stop matching.
// The submission's fields travel in one marked JSON line, so the simulator's heuristic judge reads them back from the
// wire exactly (readSubmissionFields) instead of guessing from prose.
import type { Submission } from '../../shared/domain';
import type { CallKind, JsonSchema, LlmRequest } from '../../shared/provider';

export const PROMPT_VERSION: Readonly<Record<CallKind, string>> = { theme: 'theme-1', pdf: 'pdf-1', image: 'image-1' };

const bool = (description: string): JsonSchema => ({ type: 'boolean', description });
const text = (description: string): JsonSchema => ({ type: 'string', description });

/** Required fields match electron/validation/replies.ts; explanations are asked for but not required. */
export const REPLY_JSON_SCHEMAS: Readonly<Record<CallKind, JsonSchema>> = {
  theme: {
    type: 'object',
    properties: {
      aligned: bool('true when the title, objectives and learning outcomes fit the declared theme'),
      reason: text('one sentence explaining the verdict'),
    },
    required: ['aligned'],
  },
  pdf: {
    type: 'object',
    properties: {
      title_match: bool('the report is about the event named by the expected title'),
      expert_details: bool('the report names an expert, speaker, resource person or facilitator'),
      learning_outcomes_align: bool('the report supports the stated learning outcomes'),
      objectives_match: bool('the report supports the stated objectives'),
      participants_valid: bool('the report shows at least 15 participants'),
      reasoning: text('two sentences at most'),
    },
    required: ['title_match', 'expert_details', 'learning_outcomes_align', 'objectives_match', 'participants_valid'],
  },
  image: {
    type: 'object',
    properties: {
      has_banner: bool('a banner, poster or title slide of the event is visible'),
      is_real_event: bool('the photos show a real event in progress, not stock art or a document'),
      mode_matches: bool('the photos fit the declared mode (online: a video call or screen; offline: a room)'),
      participant_count: { type: 'integer', nullable: true, description: 'how many participants are visible, null if unclear' },
      has_15_plus_participants: bool('at least 15 participants are visible'),
      reasoning: text('two sentences at most'),
    },
    required: ['has_banner', 'is_real_event', 'mode_matches', 'has_15_plus_participants'],
  },
};

export const MAX_OUTPUT_TOKENS: Readonly<Record<CallKind, number>> = { theme: 256, pdf: 512, image: 512 };

export interface ThemeFields {
  theme: string | null;
  title: string | null;
  objectives: string | null;
  learningOutcomes: string | null;
}
export interface PdfFields {
  title: string | null;
  objectives: string | null;
  learningOutcomes: string | null;
  participants: number;
}
export interface ImageFields {
  title: string | null;
  theme: string | null;
  mode: Submission['mode'];
  participants: number;
}
export interface FieldsOf {
  theme: ThemeFields;
  pdf: PdfFields;
  image: ImageFields;
}

/** The row fields each prompt uses: what goes into the prompt and into the cache key. */
export function promptFields<K extends CallKind>(kind: K, s: Submission): FieldsOf[K] {
  const all: FieldsOf = {
    theme: { theme: s.theme, title: s.title, objectives: s.objectives, learningOutcomes: s.learningOutcomes },
    pdf: { title: s.title, objectives: s.objectives, learningOutcomes: s.learningOutcomes, participants: s.participants },
    image: { title: s.title, theme: s.theme, mode: s.mode, participants: s.participants },
  };
  return all[kind];
}

const SYSTEM =
  "You check event reports submitted by institutions' innovation councils. Judge only from the evidence given. " +
  'Answer with one JSON object that follows the requested schema, and nothing else.';

const INSTRUCTIONS: Readonly<Record<CallKind, string>> = {
  theme:
    "Decide whether the event's title, objectives and learning outcomes align with its declared theme. " +
    'Reply {"aligned": boolean, "reason": string}.',
  pdf:
    'Read the attached event report and compare it with the submission. Decide: title_match (the report is about ' +
    'this event), expert_details (it names an expert, speaker, resource person, facilitator or trainer), ' +
    'learning_outcomes_align, objectives_match, and participants_valid (it shows at least 15 participants). ' +
    'Reply {"title_match", "expert_details", "learning_outcomes_align", "objectives_match", "participants_valid", "reasoning"}.',
  image:
    'Look at the attached event photos together. Decide: has_banner (a banner, poster or title slide is visible), ' +
    'is_real_event (a real event in progress), mode_matches (the declared mode: online means a video call or screen, ' +
    'offline a physical venue), participant_count (people visible, null if unclear) and has_15_plus_participants. ' +
    'Reply {"has_banner", "is_real_event", "mode_matches", "participant_count", "has_15_plus_participants", "reasoning"}.',
};

const OPEN = (kind: CallKind) => `[submission kind=${kind}]`;
const CLOSE = '[/submission]';
const FIELDS_RE = /\[submission kind=(theme|pdf|image)\]\n(.*)\n\[\/submission\]/;

function prompt<K extends CallKind>(kind: K, fields: FieldsOf[K]): string {
  return `${INSTRUCTIONS[kind]}\n\nSubmission fields (JSON):\n${OPEN(kind)}\n${JSON.stringify(fields)}\n${CLOSE}`;
}

function request<K extends CallKind>(kind: K, fields: FieldsOf[K], extra: Pick<LlmRequest, 'pdf' | 'images'>): LlmRequest {
  return { kind, system: SYSTEM, prompt: prompt(kind, fields), schema: REPLY_JSON_SCHEMAS[kind], maxOutputTokens: MAX_OUTPUT_TOKENS[kind], ...extra };
}

export function buildThemeRequest(s: Submission): LlmRequest {
  return request('theme', promptFields('theme', s), {});
}

/** `pdf.text` is the extracted text layer (null for a scanned report): Groq reads it, Gemini reads the bytes. */
export function buildPdfRequest(s: Submission, pdf: NonNullable<LlmRequest['pdf']>): LlmRequest {
  return request('pdf', promptFields('pdf', s), { pdf });
}

/** `images` are the prepared JPEGs (at most 1024 px on the long side), all photos of the submission. */
export function buildImageRequest(s: Submission, images: Uint8Array[]): LlmRequest {
  return request('image', promptFields('image', s), { images });
}

/** The kind and fields embedded in a prompt, or null when the text carries none. */
export function readSubmissionFields(text: string): { [K in CallKind]: { kind: K; fields: FieldsOf[K] } }[CallKind] | null {
  const m = FIELDS_RE.exec(text);
  if (!m) return null;
  try {
    return { kind: m[1] as CallKind, fields: JSON.parse(m[2] as string) } as { kind: 'theme'; fields: ThemeFields };
  } catch {
    return null;
  }
}

const REPORT_OPEN = '[report text]';
const REPORT_CLOSE = '[/report text]';

/** The report's text layer as appended to the prompt for providers that can't read PDFs. */
export function withReportText(promptText: string, reportText: string): string {
  return `${promptText}\n\nThe report's text:\n${REPORT_OPEN}\n${reportText}\n${REPORT_CLOSE}`;
}

export function readReportText(text: string): string | null {
  const start = text.indexOf(REPORT_OPEN);
  const end = text.lastIndexOf(REPORT_CLOSE);
  return start >= 0 && end > start ? text.slice(start + REPORT_OPEN.length + 1, end - 1) : null;
}
