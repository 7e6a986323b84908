import { describe, expect, it } from 'vitest';
import type { RuleResult, Verdict } from '../../../shared/domain';
import { DEFAULT_RULES } from '../../../shared/rules';
import { judge } from '../../../electron/validation/rule-result';
import { scoreRules } from '../../../electron/validation/scoring';
import { decideStatus, REOPEN_IMAGES, REOPEN_PDF } from '../../../electron/validation/status';
import { requirementsNotMet } from '../../../electron/validation/requirements';
import { buildResult, errorResult, judgedBy } from '../../../electron/validation/result';
import { NOT_EVALUATED_CANNOT_REACH } from '../../../electron/validation/prescoring';

/** Every default rule with the same verdict, except the listed overrides. */
function results(base: Verdict, over: Partial<Record<string, Verdict>> = {}, source: RuleResult['source'] = 'gemini'): RuleResult[] {
  return DEFAULT_RULES.map((d) => judge(d, over[d.id] ?? base, `reason of ${d.id}`, d.call ? source : 'rule'));
}

describe('scoring', () => {
  it('each rule earns its full points or none; disabled rules earn nothing', () => {
    const s = scoreRules(results('pass'));
    expect(s.score).toBe(87);
    expect(s.categoryScores).toEqual({ theme: 33, pdf: 25, image: 14, similarity: 15 });
    expect(s.undeterminedPoints).toBe(0);
  });

  it('keeps undetermined points apart from failures', () => {
    const s = scoreRules(results('pass', { pdf_title: 'undetermined', pdf_expert: 'fail', banner: 'skipped' }));
    expect(s.score).toBe(87 - 7 - 7 - 2);
    expect(s.undeterminedPoints).toBe(7);
    expect(s.categoryScores.pdf).toBe(25 - 14);
  });
});

describe('status (DOMAIN §7)', () => {
  const ok = { pdfReadable: true, usablePhotos: 1, threshold: 60 };
  it.each([
    [{ ...ok, pdfReadable: false, score: 87, undeterminedPoints: 0 }, 'Reopen', REOPEN_PDF],
    [{ ...ok, pdfReadable: false, usablePhotos: 0, score: 0, undeterminedPoints: 0 }, 'Reopen', REOPEN_PDF],
    [{ ...ok, usablePhotos: 0, score: 87, undeterminedPoints: 0 }, 'Reopen', REOPEN_IMAGES],
    [{ ...ok, score: 60, undeterminedPoints: 0 }, 'Accepted', undefined],
    [{ ...ok, score: 59, undeterminedPoints: 0 }, 'Rejected', undefined],
    [{ ...ok, score: 50, undeterminedPoints: 9 }, 'Rejected', undefined],
    [{ ...ok, score: 50, undeterminedPoints: 10 }, 'Review', undefined],
    [{ ...ok, score: 30, undeterminedPoints: 40 }, 'Review', undefined],
    [{ ...ok, score: 65, undeterminedPoints: 20 }, 'Accepted', undefined],
  ] as const)('%j → %s', (input, status, reason) => {
    expect(decideStatus(input)).toEqual(reason ? { status, reopenReason: reason } : { status });
  });
});

describe('requirements not met', () => {
  it('lists failed and undetermined rules as "<rule>: <reason>" joined with "; ", after the notes', () => {
    const r = results('pass', { level_duration: 'fail', banner: 'undetermined', real_event: 'skipped' });
    expect(requirementsNotMet(r, ['Lead note'])).toBe(
      'Lead note; Level matches duration: reason of level_duration; Banner/Poster visible: reason of banner',
    );
    expect(requirementsNotMet(results('pass'))).toBe('');
  });
});

describe('buildResult', () => {
  const base = { submission: { id: '42', row: 3 }, threshold: 60, pdfReadable: true, usablePhotos: 2, calls: [], finishedAt: 1000 };

  it('accepts a full pass and names the provider that judged', () => {
    const r = buildResult({ ...base, rules: results('pass') });
    expect(r).toMatchObject({ submissionId: '42', row: 3, status: 'Accepted', score: 87, requirementsNotMet: '', provider: 'gemini', callsUsed: 0 });
  });

  it('Review when undetermined points could tip it (undetermined is not NO)', () => {
    const r = buildResult({
      ...base,
      rules: results('pass', {
        theme_alignment: 'undetermined',
        pdf_title: 'undetermined',
        pdf_expert: 'undetermined',
        pdf_outcomes: 'undetermined',
        pdf_objectives: 'undetermined',
        pdf_participants: 'undetermined',
      }),
    });
    expect(r.score).toBe(87 - 35);
    expect(r.undeterminedPoints).toBe(35);
    expect(r.status).toBe('Review');
  });

  it('Reopen reason leads the requirements', () => {
    const r = buildResult({ ...base, pdfReadable: false, rules: results('pass', { pdf_title: 'skipped', level_duration: 'fail' }) });
    expect(r.status).toBe('Reopen');
    expect(r.requirementsNotMet).toBe(`${REOPEN_PDF}; Level matches duration: reason of level_duration`);
  });

  it('says "not evaluated: cannot reach threshold" when pre-scoring skipped the calls', () => {
    const rules = DEFAULT_RULES.map((d) =>
      d.call ? judge(d, 'skipped', NOT_EVALUATED_CANNOT_REACH) : judge(d, d.id === 'duplicate_photo' ? 'pass' : 'fail', 'no'),
    );
    const r = buildResult({ ...base, rules });
    expect(r.status).toBe('Rejected');
    expect(r.provider).toBe('none');
    expect(r.requirementsNotMet.startsWith(`${NOT_EVALUATED_CANNOT_REACH}; Level matches duration: no`)).toBe(true);
  });

  it('ranks sources: live provider over cache over heuristic', () => {
    expect(judgedBy(results('pass', {}, 'heuristic'))).toBe('heuristic');
    expect(judgedBy([...results('pass', {}, 'heuristic'), ...results('pass', {}, 'cache')])).toBe('cache');
    expect(judgedBy([...results('pass', {}, 'cache'), ...results('pass', {}, 'groq')])).toBe('groq');
  });

  it('an exception becomes status Error with the message', () => {
    const r = errorResult({ id: '7', row: 9 }, new Error('boom'), [], 5);
    expect(r).toMatchObject({ status: 'Error', error: 'boom', requirementsNotMet: 'Error: boom', score: 0, row: 9 });
  });
});
