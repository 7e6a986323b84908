import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { expertKeyword, fixedVerdicts, imageVerdicts, llmVerdicts, pdfVerdicts, themeVerdicts } from '../../../electron/validation/llm-verdicts';
import { rulesTable } from '../../../electron/validation/rules-table';

const verdicts = (rs: { ruleId: string; verdict: string }[]) => Object.fromEntries(rs.map((r) => [r.ruleId, r.verdict]));
const pdfYes = {
  title_match: true,
  expert_details: true,
  learning_outcomes_align: true,
  objectives_match: true,
  participants_valid: true,
  reasoning: 'ok',
};
const imgYes = { has_banner: true, is_real_event: true, mode_matches: true, participant_count: 40, has_15_plus_participants: true, reasoning: 'ok' };

describe('theme reply → verdict', () => {
  it('aligned passes, not aligned fails with the model reason', () => {
    expect(themeVerdicts(DEFAULT_RULES, { ok: true, json: { aligned: true, reason: 'fits' }, source: 'gemini' })[0]).toMatchObject({
      ruleId: 'theme_alignment',
      verdict: 'pass',
      earned: 10,
      source: 'gemini',
    });
    expect(themeVerdicts(DEFAULT_RULES, { ok: true, json: { aligned: false, reason: 'about cooking' }, source: 'groq' })[0]).toMatchObject({
      verdict: 'fail',
      reason: 'about cooking',
      source: 'groq',
    });
  });
});

describe('pdf reply → verdicts', () => {
  it('maps each field to its rule', () => {
    const r = pdfVerdicts(
      DEFAULT_RULES,
      { ok: true, json: { ...pdfYes, title_match: false, objectives_match: false, reasoning: 'title differs' }, source: 'gemini' },
      null,
    );
    expect(verdicts(r)).toEqual({ pdf_title: 'fail', pdf_expert: 'pass', pdf_outcomes: 'pass', pdf_objectives: 'fail', pdf_participants: 'pass' });
    expect(r[0]?.reason).toBe('report title does not match the submission — title differs');
  });

  it('expert details pass on a keyword hit even when the model said no', () => {
    const r = pdfVerdicts(
      DEFAULT_RULES,
      { ok: true, json: { ...pdfYes, expert_details: false }, source: 'gemini' },
      'Our Resource  Person was Dr. X',
    );
    expect(r.find((x) => x.ruleId === 'pdf_expert')).toMatchObject({
      verdict: 'pass',
      reason: 'keyword "resource person" found in the report text',
      source: 'rule',
    });
  });

  it('expert details pass on a keyword hit even when the call failed; the rest stay undetermined', () => {
    const r = pdfVerdicts(DEFAULT_RULES, { ok: false, reason: 'both providers down' }, 'The keynote speaker spoke');
    expect(verdicts(r)).toEqual({
      pdf_title: 'undetermined',
      pdf_expert: 'pass',
      pdf_outcomes: 'undetermined',
      pdf_objectives: 'undetermined',
      pdf_participants: 'undetermined',
    });
    expect(r[0]?.reason).toBe('not judged: both providers down');
  });

  it('no keyword in "inexpert" text (word boundary)', () => {
    expect(expertKeyword('an inexpert attempt')).toBeNull();
    expect(expertKeyword('The Trainers were')).toBe('trainer');
  });
});

describe('image reply → verdicts', () => {
  it('participant count is held against the rule threshold', () => {
    const rules = rulesTable({ participants_visible: { threshold: 50 } });
    const r = imageVerdicts(rules, { ok: true, json: { ...imgYes, participant_count: 40, has_15_plus_participants: true }, source: 'gemini' });
    expect(r.find((x) => x.ruleId === 'participants_visible')).toMatchObject({
      verdict: 'fail',
      reason: expect.stringContaining('about 40 participants visible, fewer than 50'),
    });
    const d = imageVerdicts(DEFAULT_RULES, { ok: true, json: { ...imgYes, participant_count: 15 }, source: 'gemini' });
    expect(d.find((x) => x.ruleId === 'participants_visible')?.verdict).toBe('pass');
  });

  it('without a count, the boolean decides', () => {
    const r = imageVerdicts(DEFAULT_RULES, {
      ok: true,
      json: { ...imgYes, participant_count: null, has_15_plus_participants: false, mode_matches: false },
      source: 'groq',
    });
    expect(verdicts(r)).toEqual({ banner: 'pass', real_event: 'pass', mode_matches: 'fail', participants_visible: 'fail' });
  });
});

describe('malformed or missing replies are undetermined, never NO', () => {
  it.each([
    ['theme', 'not json at all'],
    ['theme', { aligned: 'yes' }],
    ['pdf', { title_match: true }],
    ['pdf', null],
    ['image', { ...imgYes, participant_count: -3 }],
    ['image', [imgYes]],
  ] as const)('%s reply %j', (kind, json) => {
    const r = llmVerdicts(kind, DEFAULT_RULES, { ok: true, json, source: 'gemini' });
    expect(r.length).toBeGreaterThan(0);
    for (const x of r) {
      expect(x.verdict).toBe('undetermined');
      expect(x.reason).toMatch(new RegExp(`^not judged: malformed ${kind} reply \\(`));
      expect(x.earned).toBe(0);
    }
  });

  it('a failed call passes its reason through', () => {
    const r = llmVerdicts('image', DEFAULT_RULES, { ok: false, reason: 'budget exhausted' });
    expect(r.map((x) => [x.verdict, x.reason])).toEqual(Array(4).fill(['undetermined', 'not judged: budget exhausted']));
  });

  it('disabled rules stay disabled whatever the reply', () => {
    const rules = rulesTable({ banner: { enabled: false } });
    expect(imageVerdicts(rules, { ok: true, json: imgYes, source: 'gemini' })[0]).toMatchObject({ ruleId: 'banner', verdict: 'disabled', earned: 0 });
  });

  it('fixed verdicts cover every rule of the call (empty theme fails with no call)', () => {
    expect(fixedVerdicts(DEFAULT_RULES, 'theme', 'fail', 'no theme declared')).toMatchObject([
      { ruleId: 'theme_alignment', verdict: 'fail', reason: 'no theme declared' },
    ]);
  });
});
