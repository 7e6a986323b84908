// Column mapping (docs/domain.md §1): fields, ids that never collide, empty cells, problems, shifted headers.
import { describe, expect, it } from 'vitest';
import { checkAlignment } from '../../../electron/validation/alignment';
import { mapColumns, mapRows } from '../../../electron/validation/mapping';
import { seededRng } from '../../../electron/engine/rng';
import { EXPORT_COLUMNS, rowCells, syntheticRow, type ExportRow } from '../../fixtures/generate-batch';

const COLS = [...EXPORT_COLUMNS];
function rows(n: number, edit?: (r: ExportRow, i: number) => void): string[][] {
  const rng = seededRng(11);
  return Array.from({ length: n }, (_, i) => {
    const r = syntheticRow(rng, i + 1);
    edit?.(r, i);
    return rowCells(r);
  });
}
function map(columns: string[], data: string[][]) {
  const m = mapColumns(columns);
  return { m, ...mapRows(columns, data, m) };
}

describe('mapColumns', () => {
  it('names the column that fed each field, case-insensitively', () => {
    const cols = COLS.map((c) => (c === 'Objective' ? 'objective' : c === 'session_type' ? ' Session_Type ' : c));
    const { mapping, missingRequired } = mapColumns(cols);
    expect(missingRequired).toEqual([]);
    expect(mapping.find((f) => f.field === 'objectives')?.column).toBe('objective');
    expect(mapping.find((f) => f.field === 'mode')?.column).toBe(' Session_Type ');
    expect(mapping.find((f) => f.field === 'academicYear')?.column).toBe('acadmic_year');
  });

  it('lists missing required columns by name as a problem', () => {
    const cols = COLS.filter((c) => c !== 'report' && c !== 'event_theme');
    const { missingRequired, problems } = mapColumns(cols);
    expect(missingRequired).toEqual(['event_theme', 'report']);
    expect(problems.find((p) => p.kind === 'missing_column')?.message).toBe('Missing required columns: event_theme, report.');
  });

  it('reports a repeated column and uses the first', () => {
    const cols = [...COLS, 'report'];
    const { problems, index } = mapColumns(cols);
    expect(index.reportPath).toBe(COLS.indexOf('report'));
    expect(problems.some((p) => p.kind === 'duplicate_column' && p.message.includes('"report" appears 2 times'))).toBe(true);
  });
});

describe('mapRows', () => {
  it('maps a row to a Submission', () => {
    const data = rows(1, (r) => {
      Object.assign(r, {
        id: '4711',
        activity_name: 'Workshop on Patents',
        event_type: 'Level 2 - Workshop',
        activity_duration: '6.5',
        student_participants: '40',
        faculty_participants: '',
        session_type: 'Offline',
        event_driven: '3',
        photo2: 'nan',
      });
    });
    const s = map(COLS, data).submissions[0]!;
    expect(s).toMatchObject({
      id: '4711',
      row: 1,
      title: 'Workshop on Patents',
      declaredLevel: 2,
      durationHours: 6.5,
      participants: 40,
      mode: 'offline',
      eventDriven: 3,
      photoPaths: [data[0]![COLS.indexOf('photo1')]],
      problems: [],
    });
  });

  it('reads blank, nan, null and NaN as empty, and 0 / none / n/a photo cells as no photo', () => {
    const empties = ['', 'nan', 'null', 'NaN', ' NULL '];
    const data = rows(empties.length, (r, i) => {
      r.Objective = empties[i]!;
      r.activity_duration = empties[i]!;
      r.photo1 = ['0', 'none', 'N/A', 'nan', ''][i]!;
      r.photo2 = '0';
      r.report = empties[i]!;
    });
    for (const s of map(COLS, data).submissions) {
      expect(s.objectives).toBeNull();
      expect(s.durationHours).toBeNull();
      expect(s.photoPaths).toEqual([]);
      expect(s.reportPath).toBeNull();
      expect(s.problems).toEqual([]);
    }
  });

  it('reports numbers it cannot parse, counting such participants as 0', () => {
    const data = rows(2, (r, i) => {
      if (i === 1) Object.assign(r, { student_participants: 'forty', faculty_participants: '5', activity_duration: '3 hrs' });
    });
    const { submissions, problems } = map(COLS, data);
    expect(submissions[1]!.participants).toBe(5);
    expect(submissions[1]!.durationHours).toBeNull();
    expect(problems.filter((p) => p.kind === 'unparseable_number').map((p) => p.message)).toEqual([
      'Row 2: student_participants "forty" is not a number.',
      'Row 2: activity_duration "3 hrs" is not a number.',
    ]);
    expect(submissions[1]!.problems).toHaveLength(2);
  });

  it('reports a mode or event_driven it does not know', () => {
    const data = rows(1, (r) => Object.assign(r, { session_type: 'hybrid', event_driven: '7' }));
    const { submissions, problems } = map(COLS, data);
    expect(submissions[0]!.mode).toBeNull();
    expect(submissions[0]!.eventDriven).toBeNull();
    expect(problems.map((p) => p.kind)).toEqual(['invalid_value', 'invalid_value']);
  });

  it('falls back from a blank id to eventId, then to row-<n>, and reports it', () => {
    const data = rows(3, (r, i) => {
      if (i === 1) r.id = '';
      if (i === 2) Object.assign(r, { id: 'nan', eventId: '' });
    });
    const { submissions, problems } = map(COLS, data);
    expect(submissions[1]!.id).toBe(data[1]![COLS.indexOf('eventId')]);
    expect(submissions[2]!.id).toBe('row-3');
    expect(problems.filter((p) => p.kind === 'blank_id').map((p) => p.row)).toEqual([2, 3]);
  });

  it('uses row-<n> without complaint when the file has no id columns at all', () => {
    const cols = COLS.filter((c) => c !== 'id' && c !== 'eventId');
    const data = rows(2).map((r) => r.filter((_, i) => COLS[i] !== 'id' && COLS[i] !== 'eventId'));
    const { m, submissions, problems } = map(cols, data);
    expect(submissions.map((s) => s.id)).toEqual(['row-1', 'row-2']);
    expect(problems).toEqual([]);
    expect(m.problems.map((p) => p.message)).toContain('No id or eventId column: rows are named row-<n>.');
  });

  it('never lets two rows share an id: a repeat is reported and disambiguated', () => {
    const data = rows(4, (r, i) => {
      r.id = i < 3 ? '500' : '500~row2';
    });
    const { submissions, problems } = map(COLS, data);
    const ids = submissions.map((s) => s.id);
    expect(ids[0]).toBe('500');
    expect(new Set(ids).size).toBe(4);
    expect(ids[1]).toBe('500~row2');
    expect(ids[3]).not.toBe('500~row2');
    expect(problems.filter((p) => p.kind === 'duplicate_id').map((p) => p.row)).toEqual([2, 3, 4]);
  });
});

describe('checkAlignment', () => {
  const data = rows(50);

  it('accepts a header that lines up', () => {
    expect(checkAlignment(COLS, data, mapColumns(COLS))).toBeNull();
  });

  it('refuses a header with an extra cell, so values sit one column off, and explains it', () => {
    const cols = ['', ...COLS]; // e.g. a saved index column name
    const msg = checkAlignment(cols, data, mapColumns(cols));
    expect(msg).toMatch(/doesn't line up/);
    expect(msg).toMatch(/one column to the left/);
    expect(msg).toMatch(/"id" holds values like ".+" in 100% of rows, where a numeric id belongs/);
    expect(msg).toMatch(/"report" holds values like ".*Photograph1.*"/);
  });

  it('refuses rows that carry one more leading cell than the header', () => {
    const shifted = data.map((r, i) => [String(i), ...r]);
    expect(checkAlignment(COLS, shifted, mapColumns(COLS))).toMatch(/one column to the right/);
  });

  it('refuses a header that belongs to other data altogether', () => {
    const scrambled = data.map((r) => [...r.slice(7), ...r.slice(0, 7)]); // every value seven columns off
    expect(checkAlignment(COLS, scrambled, mapColumns(COLS))).toMatch(/belongs to this data/);
  });

  it('tolerates a few bad rows', () => {
    const some = data.map((r, i) => (i % 10 === 0 ? [...r.slice(1), ''] : r));
    expect(checkAlignment(COLS, some, mapColumns(COLS))).toBeNull();
  });
});
