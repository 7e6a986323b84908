// The last-resort judge (docs/domain.md §5, docs/providers.md "Verdicts"): deterministic keyword, text and image-fact checks
// that answer the three calls in their reply shapes. The pipeline uses it when no LLM may be called; the simulator
// uses it to reply, so demo runs are plausible and repeatable. Every reasoning starts with "heuristic:".
import type { CallKind } from '../../shared/provider';
import { expertKeyword } from '../validation/llm-verdicts';
import type { FieldsOf, ImageFields, PdfFields, ThemeFields } from '../validation/prompts';
import type { ImageReply, PdfReply, ThemeReply } from '../validation/replies';
import type { PixelSize } from './jpeg-size';

const STOP = new Set(
  'about above after also among and are based been being between both but can could for from has have how into its more most new not of off on onto or our out over shall should such than that the their them then there these they this those through under upon very was were what when where which while who will with within would your students student faculty session event events program programme participants will day'.split(
    ' ',
  ),
);

/** Significant words: lower-case, 4+ letters, no stop words, a crude plural/suffix trim so "startups" meets "startup". */
export function keywords(text: string | null | undefined): Set<string> {
  const out = new Set<string>();
  for (const w of (text ?? '').toLowerCase().match(/[a-z]{4,}/g) ?? []) {
    if (!STOP.has(w)) out.add(stem(w));
  }
  return out;
}

function stem(w: string): string {
  return w.replace(/(ings|ing|ies|es|s)$/, '').slice(0, 8);
}

/** Vocabulary of the four themes in real batches; any other theme is judged by its own words. */
const THEME_WORDS: Record<string, string> = {
  innovation:
    'innovation innovative design thinking creativity creative ideation idea prototype prototyping problem solving empathy hackathon invention',
  entrepreneurship: 'entrepreneurship entrepreneur startup business venture founder market funding pitch investor enterprise commercial',
  ipr: 'intellectual property patent copyright trademark licensing technology transfer commercialization filing invention',
  incubation: 'incubation incubator pre-incubation accelerator mentoring startup venture seed funding support management',
};

function themeVocabulary(theme: string): Set<string> {
  const t = theme.toLowerCase();
  const vocab = keywords(theme);
  for (const [key, words] of Object.entries(THEME_WORDS)) if (t.includes(key)) for (const w of keywords(words)) vocab.add(w);
  return vocab;
}

function overlap(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((w) => b.has(w));
}

export function judgeTheme(f: ThemeFields): ThemeReply {
  if (!f.theme?.trim()) return { aligned: false, reason: 'heuristic: no theme declared' };
  const vocab = themeVocabulary(f.theme);
  const hits = overlap(keywords([f.title, f.objectives, f.learningOutcomes].join(' ')), vocab);
  return hits.length > 0
    ? { aligned: true, reason: `heuristic: shares theme words (${hits.slice(0, 5).join(', ')})` }
    : { aligned: false, reason: `heuristic: no word of the title, objectives or outcomes relates to "${f.theme}"` };
}

/** Share of `expected`'s keywords found in the text; 0 when nothing is expected. */
function coverage(expected: string | null, text: Set<string>): number {
  const words = keywords(expected);
  return words.size === 0 ? 0 : overlap(words, text).length / words.size;
}

const PARTICIPANT_NEAR =
  /(\d{2,5})\s*(?:\+\s*)?(?:[a-z]+\s+){0,2}(?:participants?|students?|attendees?|delegates?|faculty|members?|people)|(?:participants?|attendees?|participation|attended by|strength)\D{0,30}?(\d{2,5})/gi;

/** The largest participant number stated in the text, or null. */
export function statedParticipants(text: string): number | null {
  let best: number | null = null;
  for (const m of text.matchAll(PARTICIPANT_NEAR)) {
    const n = Number(m[1] ?? m[2]);
    if (Number.isFinite(n) && (best === null || n > best)) best = n;
  }
  return best;
}

export const PDF_TITLE_COVERAGE = 0.6;
export const PDF_TEXT_COVERAGE = 0.3;
export const MIN_PARTICIPANTS = 15;

export function judgePdf(f: PdfFields, pdfText: string | null): PdfReply {
  if (!pdfText?.trim()) {
    return {
      title_match: false,
      expert_details: false,
      learning_outcomes_align: false,
      objectives_match: false,
      participants_valid: false,
      reasoning: 'heuristic: the report has no text layer to check',
    };
  }
  const words = keywords(pdfText);
  const title = coverage(f.title, words);
  const outcomes = coverage(f.learningOutcomes, words);
  const objectives = coverage(f.objectives, words);
  const expert = expertKeyword(pdfText);
  const stated = statedParticipants(pdfText);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return {
    title_match: title >= PDF_TITLE_COVERAGE,
    expert_details: expert !== null,
    learning_outcomes_align: outcomes >= PDF_TEXT_COVERAGE,
    objectives_match: objectives >= PDF_TEXT_COVERAGE,
    participants_valid: stated !== null && stated >= MIN_PARTICIPANTS,
    reasoning:
      `heuristic: title words ${pct(title)} present, outcomes ${pct(outcomes)}, objectives ${pct(objectives)}; ` +
      `${expert ? `expert keyword "${expert}"` : 'no expert keyword'}; ${stated === null ? 'no participant number' : `${stated} participants stated`}`,
  };
}

/** A photo too small or too oddly shaped to show an event (a thumbnail, a strip, a scanned page). */
function usable(p: PixelSize): boolean {
  const aspect = p.width / p.height;
  return Math.min(p.width, p.height) >= 240 && aspect >= 0.5 && aspect <= 2.5;
}

function isScreenShaped(p: PixelSize): boolean {
  const aspect = p.width / p.height;
  return aspect >= 1.7 && aspect <= 1.8; // 16:9, the shape of a call's screenshot
}

/** Rough participants per photo from its resolution: a stand-in for vision, documented as such. */
const PEOPLE_PER_MEGAPIXEL = 20;

/** Image facts only (count, size, aspect); `photos` has null for bytes that are not a readable JPEG. */
export function judgeImage(f: ImageFields, photos: readonly (PixelSize | null)[]): ImageReply {
  const ok = photos.filter((p): p is PixelSize => p !== null && usable(p));
  if (ok.length === 0) {
    return {
      has_banner: false,
      is_real_event: false,
      mode_matches: false,
      participant_count: 0,
      has_15_plus_participants: false,
      reasoning: `heuristic: none of the ${photos.length} photo(s) is a usable event photo`,
    };
  }
  const count = Math.min(80, Math.round(ok.reduce((sum, p) => sum + (p.width * p.height) / 1e6, 0) * PEOPLE_PER_MEGAPIXEL));
  const screens = ok.filter(isScreenShaped).length;
  const mode = f.mode === 'online' ? screens > 0 : f.mode === 'offline' ? screens < ok.length : false;
  return {
    has_banner: ok.some((p) => p.width >= p.height),
    is_real_event: true,
    mode_matches: mode,
    participant_count: count,
    has_15_plus_participants: count >= MIN_PARTICIPANTS,
    reasoning:
      `heuristic: ${ok.length} usable photo(s) of ${photos.length}, ${screens} screen-shaped; ` +
      `${f.mode ? `declared ${f.mode}` : 'no declared mode'}; about ${count} people estimated from resolution`,
  };
}

/** What the heuristic judge needs besides the row fields. */
export interface HeuristicEvidence {
  pdfText?: string | null;
  photos?: readonly (PixelSize | null)[];
}

/** One entry point for both users: the reply of `kind` for these fields and evidence. */
export function heuristicReply<K extends CallKind>(
  kind: K,
  fields: FieldsOf[K],
  evidence: HeuristicEvidence = {},
): ThemeReply | PdfReply | ImageReply {
  if (kind === 'theme') return judgeTheme(fields as ThemeFields);
  if (kind === 'pdf') return judgePdf(fields as PdfFields, evidence.pdfText ?? null);
  return judgeImage(fields as ImageFields, evidence.photos ?? []);
}
