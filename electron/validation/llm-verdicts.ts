// Map each LLM call's reply to the verdicts of the rules it decides (docs/domain.md §4–5).
// A call that failed for good, or a reply that doesn't fit its schema, leaves its rules undetermined:
// undetermined is not NO. The expert rule also passes on a keyword hit in the PDF text, call or no call.
import type { z } from 'zod';
import type { RuleDefinition, RuleId, RuleResult, Verdict } from '../../shared/domain';
import type { CallKind, VerdictSource } from '../../shared/provider';
import { imageReplySchema, pdfReplySchema, replyProblem, themeReplySchema } from './replies';
import { judge } from './rule-result';

/** What came back for one logical call: a reply from some source, or the reason there is none. */
export type LlmOutcome = { ok: true; json: unknown; source: VerdictSource } | { ok: false; reason: string };

export const EXPERT_KEYWORDS = [
  'expert',
  'speaker',
  'resource person',
  'facilitator',
  'trainer',
  'keynote',
  'panelist',
  'panellist',
  'chief guest',
  'guest lecture',
  'mentor',
  'jury',
] as const;

const keywordPattern = new RegExp(`\\b(${EXPERT_KEYWORDS.map((k) => k.replace(/ /g, '\\s+')).join('|')})`, 'i');

/** The first expert keyword in the text, lower-cased, or null. */
export function expertKeyword(text: string | null | undefined): string | null {
  const m = text ? keywordPattern.exec(text) : null;
  return m?.[1] ? m[1].toLowerCase().replace(/\s+/g, ' ') : null;
}

export function rulesOfCall(rules: readonly RuleDefinition[], kind: CallKind): RuleDefinition[] {
  return rules.filter((r) => r.call === kind);
}

/** Every rule of a call with the same verdict (no theme declared, not evaluated, call failed...). */
export function fixedVerdicts(rules: readonly RuleDefinition[], kind: CallKind, verdict: Verdict, reason: string): RuleResult[] {
  return rulesOfCall(rules, kind).map((def) => judge(def, verdict, reason));
}

const MAX_REASONING = 160;

function withReasoning(text: string, reasoning: string | undefined, verdict: Verdict): string {
  const r = reasoning?.trim().replace(/\s+/g, ' ');
  if (verdict !== 'fail' || !r) return text;
  return `${text} — ${r.length > MAX_REASONING ? `${r.slice(0, MAX_REASONING - 1)}…` : r}`;
}

type Decisions = Partial<Record<RuleId, { pass: boolean; yes: string; no: string }>>;

function fromDecisions(
  rules: readonly RuleDefinition[],
  kind: CallKind,
  decisions: Decisions,
  source: VerdictSource,
  reasoning: string | undefined,
): RuleResult[] {
  return rulesOfCall(rules, kind).map((def) => {
    const d = decisions[def.id];
    if (!d) return judge(def, 'undetermined', `the ${kind} reply has no answer for this rule`);
    const verdict: Verdict = d.pass ? 'pass' : 'fail';
    return judge(def, verdict, withReasoning(d.pass ? d.yes : d.no, reasoning, verdict), source);
  });
}

type Parsed<T> = { ok: true; reply: T; source: VerdictSource } | { ok: false; reason: string };

function parseReply<T>(kind: CallKind, schema: z.ZodType<T>, outcome: LlmOutcome): Parsed<T> {
  if (!outcome.ok) return { ok: false, reason: `not judged: ${outcome.reason}` };
  const parsed = schema.safeParse(outcome.json);
  if (parsed.success) return { ok: true, reply: parsed.data, source: outcome.source };
  return { ok: false, reason: `not judged: malformed ${kind} reply (${replyProblem(kind, outcome.json)})` };
}

export function themeVerdicts(rules: readonly RuleDefinition[], outcome: LlmOutcome): RuleResult[] {
  const p = parseReply('theme', themeReplySchema, outcome);
  if (!p.ok) return fixedVerdicts(rules, 'theme', 'undetermined', p.reason);
  const r = p.reply;
  const reason = r.reason?.trim();
  return fromDecisions(
    rules,
    'theme',
    {
      theme_alignment: {
        pass: r.aligned,
        yes: reason || 'title, objectives and outcomes align with the theme',
        no: reason || 'title, objectives and outcomes do not align with the theme',
      },
    },
    p.source,
    undefined,
  );
}

/** The expert rule passes on a keyword in the PDF text even when the call failed. */
function expertByKeyword(results: RuleResult[], rules: readonly RuleDefinition[], pdfText: string | null): RuleResult[] {
  const hit = expertKeyword(pdfText);
  if (hit === null) return results;
  return results.map((res) => {
    if (res.ruleId !== 'pdf_expert' || res.verdict === 'pass' || res.verdict === 'disabled') return res;
    const def = rules.find((d) => d.id === 'pdf_expert') as RuleDefinition;
    return judge(def, 'pass', `keyword "${hit}" found in the report text`);
  });
}

export function pdfVerdicts(rules: readonly RuleDefinition[], outcome: LlmOutcome, pdfText: string | null): RuleResult[] {
  const p = parseReply('pdf', pdfReplySchema, outcome);
  if (!p.ok) return expertByKeyword(fixedVerdicts(rules, 'pdf', 'undetermined', p.reason), rules, pdfText);
  const r = p.reply;
  const results = fromDecisions(
    rules,
    'pdf',
    {
      pdf_title: { pass: r.title_match, yes: 'report title matches the submission', no: 'report title does not match the submission' },
      pdf_expert: { pass: r.expert_details, yes: 'report names the expert(s)', no: 'report gives no expert or speaker details' },
      pdf_outcomes: { pass: r.learning_outcomes_align, yes: 'learning outcomes match the report', no: 'learning outcomes do not match the report' },
      pdf_objectives: { pass: r.objectives_match, yes: 'objectives match the report', no: 'objectives do not match the report' },
      pdf_participants: {
        pass: r.participants_valid,
        yes: 'report shows the participant numbers',
        no: 'report does not show enough participants',
      },
    },
    p.source,
    r.reasoning,
  );
  return expertByKeyword(results, rules, pdfText);
}

export function imageVerdicts(rules: readonly RuleDefinition[], outcome: LlmOutcome): RuleResult[] {
  const p = parseReply('image', imageReplySchema, outcome);
  if (!p.ok) return fixedVerdicts(rules, 'image', 'undetermined', p.reason);
  const r = p.reply;
  const threshold = rules.find((d) => d.id === 'participants_visible')?.threshold ?? 15;
  // A count, when given, is held against the operator's threshold; the boolean assumes the default 15.
  const count = r.participant_count ?? null;
  const enough = count !== null ? count >= threshold : r.has_15_plus_participants;
  const seen = count !== null ? `about ${count} participants visible` : 'participant count not given';
  return fromDecisions(
    rules,
    'image',
    {
      banner: { pass: r.has_banner, yes: 'banner or poster visible', no: 'no banner or poster visible' },
      real_event: { pass: r.is_real_event, yes: 'photos show a real event', no: 'photos do not show a real event in progress' },
      mode_matches: { pass: r.mode_matches, yes: 'photos match the declared mode', no: 'photos do not match the declared mode' },
      participants_visible: {
        pass: enough,
        yes: `${seen}, at least ${threshold}`,
        no: count !== null ? `${seen}, fewer than ${threshold}` : `fewer than ${threshold} participants visible`,
      },
    },
    p.source,
    r.reasoning,
  );
}

/** Dispatch on the call kind; `pdfText` feeds the expert keyword check. */
export function llmVerdicts(kind: CallKind, rules: readonly RuleDefinition[], outcome: LlmOutcome, pdfText: string | null = null): RuleResult[] {
  if (kind === 'theme') return themeVerdicts(rules, outcome);
  if (kind === 'pdf') return pdfVerdicts(rules, outcome, pdfText);
  return imageVerdicts(rules, outcome);
}
