// "Year alignment": the event date must fall inside the declared financial year (1 Apr – 31 Mar) and the
// declared academic year. docs/domain.md leaves the academic calendar open; we use the Indian one, 1 Jul – 30 Jun.
import type { RuleDefinition, RuleResult } from '../../shared/domain';
import { judge } from './rule-result';

export const FINANCIAL_YEAR_START_MONTH = 4;
export const ACADEMIC_YEAR_START_MONTH = 7;

/** A calendar day as a comparable number yyyymmdd. */
type Day = number;

const day = (y: number, m: number, d: number): Day => y * 10_000 + m * 100 + d;

function validDay(y: number, m: number, d: number): Day | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? day(y, m, d) : null;
}

/** Event dates in the real exports: `MM/DD/YYYY` or `YYYY-MM-DD[ HH:MM:SS]`. */
export function parseEventDate(text: string | null): Day | null {
  const s = text?.trim() ?? '';
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$/.exec(s);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return validDay(Number(m[3]), Number(m[1]), Number(m[2]));
  return null;
}

/** The start year of a year label: `2024-25` and `2024-2025` both give 2024. */
export function parseYearLabel(text: string | null): number | null {
  const m = /^(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$/.exec(text?.trim() ?? '');
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const consecutive = end < 100 ? (start + 1) % 100 === end : end === start + 1;
  return consecutive ? start : null;
}

function inYear(date: Day, startYear: number, startMonth: number): boolean {
  return date >= day(startYear, startMonth, 1) && date < day(startYear + 1, startMonth, 1);
}

export function yearAlignmentRule(
  def: RuleDefinition,
  fromDate: string | null,
  financialYear: string | null,
  academicYear: string | null,
): RuleResult {
  const date = parseEventDate(fromDate);
  if (date === null) return judge(def, 'fail', fromDate ? `event date "${fromDate}" is not a date` : 'event date missing');
  const years = [
    { label: 'financial', text: financialYear, month: FINANCIAL_YEAR_START_MONTH },
    { label: 'academic', text: academicYear, month: ACADEMIC_YEAR_START_MONTH },
  ].filter((y) => y.text !== null && y.text.trim() !== '');
  if (years.length === 0) return judge(def, 'fail', 'no financial or academic year declared');
  const problems: string[] = [];
  for (const y of years) {
    const start = parseYearLabel(y.text);
    if (start === null) problems.push(`${y.label} year "${y.text}" is not a year like 2024-25`);
    else if (!inYear(date, start, y.month)) problems.push(`event date ${fromDate} is outside ${y.label} year ${y.text}`);
  }
  if (problems.length > 0) return judge(def, 'fail', problems.join(', '));
  return judge(def, 'pass', `event date ${fromDate} is inside ${years.map((y) => `${y.label} year ${y.text}`).join(' and ')}`);
}
