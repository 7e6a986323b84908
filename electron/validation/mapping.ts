// Column mapping (docs/domain.md §1): which header cell feeds each Submission field, and the rows turned into
// Submissions with their problems. Ids never collide: a blank id falls back to eventId, then `row-<n>`,
// and a repeated id gets a suffix, each reported.
import type { BatchProblem, FieldMapping, MappedField } from '../../shared/batch';
import type { Mode, Submission } from '../../shared/domain';
import { cellValue, parseNumber, pathValue } from './cells';

interface ColumnSpec {
  field: MappedField;
  /** Header names, compared trimmed and case-insensitively; the first one present wins. */
  names: readonly string[];
  required: boolean;
}

/** The columns the validator reads. `id`/`eventId` are optional: a row without either gets `row-<n>`. */
export const COLUMN_SPECS: readonly ColumnSpec[] = [
  { field: 'id', names: ['id'], required: false },
  { field: 'eventId', names: ['eventId'], required: false },
  { field: 'title', names: ['activity_name'], required: true },
  { field: 'objectives', names: ['Objective'], required: true },
  { field: 'learningOutcomes', names: ['benefit_learning'], required: true },
  { field: 'theme', names: ['event_theme'], required: true },
  { field: 'eventType', names: ['event_type'], required: true },
  { field: 'durationHours', names: ['activity_duration'], required: true },
  { field: 'studentParticipants', names: ['student_participants'], required: true },
  { field: 'facultyParticipants', names: ['faculty_participants'], required: true },
  { field: 'mode', names: ['session_type'], required: true },
  { field: 'eventDriven', names: ['event_driven'], required: false },
  { field: 'fromDate', names: ['from_date'], required: false },
  { field: 'financialYear', names: ['financial_year'], required: false },
  { field: 'academicYear', names: ['acadmic_year', 'academic_year'], required: false },
  { field: 'reportPath', names: ['report'], required: true },
  { field: 'photo1', names: ['photo1'], required: true },
  { field: 'photo2', names: ['photo2'], required: false },
];

export interface ColumnMap {
  mapping: FieldMapping[];
  /** Column index per field, -1 when absent. */
  index: Record<MappedField, number>;
  /** Required columns the header lacks, by their file names. */
  missingRequired: string[];
  problems: BatchProblem[];
}

export function mapColumns(columns: readonly string[]): ColumnMap {
  const positions = new Map<string, number[]>();
  columns.forEach((c, i) => {
    const key = c.trim().toLowerCase();
    positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  const problems: BatchProblem[] = [];
  const index = {} as Record<MappedField, number>;
  const mapping: FieldMapping[] = [];
  const missingRequired: string[] = [];
  for (const spec of COLUMN_SPECS) {
    const name = spec.names.find((n) => positions.has(n.toLowerCase()));
    const at = name === undefined ? undefined : positions.get(name.toLowerCase());
    const i = at?.[0] ?? -1;
    index[spec.field] = i;
    mapping.push({ field: spec.field, column: i >= 0 ? (columns[i] ?? null) : null, required: spec.required });
    if (at && at.length > 1) {
      problems.push({
        kind: 'duplicate_column',
        row: null,
        column: name ?? null,
        message: `Column "${name}" appears ${at.length} times; the first one (column ${i + 1}) is used.`,
      });
    }
    if (i < 0 && spec.required) missingRequired.push(spec.names[0] ?? spec.field);
  }
  if (missingRequired.length > 0) {
    problems.push({
      kind: 'missing_column',
      row: null,
      column: null,
      message: `Missing required column${missingRequired.length > 1 ? 's' : ''}: ${missingRequired.join(', ')}.`,
    });
  }
  if (index.id < 0 && index.eventId < 0) {
    problems.push({ kind: 'missing_column', row: null, column: null, message: 'No id or eventId column: rows are named row-<n>.' });
  }
  return { mapping, index, missingRequired, problems };
}

/** Maps every data row, in order; `rows[i]` is data row i + 1. */
export function mapRows(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  map: ColumnMap,
): { submissions: Submission[]; problems: BatchProblem[] } {
  const problems: BatchProblem[] = [];
  const taken = new Set<string>();
  const submissions: Submission[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i]!;
    const row = i + 1;
    const rowProblems: BatchProblem[] = [];
    if (cells.length !== columns.length) {
      rowProblems.push({
        kind: 'ragged_row',
        row,
        column: null,
        message: `Row ${row} has ${cells.length} cells but the header has ${columns.length}; ${cells.length < columns.length ? 'missing cells are read as empty' : 'the extra cells are ignored'}.`,
      });
    }
    const sub = mapRow(cells, row, map, rowProblems);
    sub.id = uniqueId(sub.id, row, taken, rowProblems);
    taken.add(sub.id);
    for (const p of rowProblems) sub.problems.push(p.message);
    for (const p of rowProblems) problems.push(p);
    submissions.push(sub);
  }
  return { submissions, problems };
}

// Plain functions, not per-row closures: a 37,000-row file maps in a blink only without them.
function cellAt(cells: readonly string[], map: ColumnMap, f: MappedField): string | undefined {
  const i = map.index[f];
  return i >= 0 ? cells[i] : undefined;
}

function columnName(map: ColumnMap, f: MappedField): string {
  return map.mapping.find((m) => m.field === f)?.column ?? f;
}

function numberAt(cells: readonly string[], row: number, map: ColumnMap, f: MappedField, problems: BatchProblem[]): number | null {
  const t = cellValue(cellAt(cells, map, f));
  if (t === null) return null;
  const n = parseNumber(t);
  if (!Number.isNaN(n)) return n;
  const column = columnName(map, f);
  problems.push({ kind: 'unparseable_number', row, column, message: `Row ${row}: ${column} "${t}" is not a number.` });
  return null;
}

function invalidValue(problems: BatchProblem[], row: number, map: ColumnMap, f: MappedField, value: string, expected: string): void {
  const column = columnName(map, f);
  problems.push({ kind: 'invalid_value', row, column, message: `Row ${row}: ${column} "${value}" is not ${expected}.` });
}

function mapRow(cells: readonly string[], row: number, map: ColumnMap, problems: BatchProblem[]): Submission {
  let id = cellValue(cellAt(cells, map, 'id'));
  if (id === null) {
    id = cellValue(cellAt(cells, map, 'eventId')) ?? `row-${row}`;
    if (map.index.id >= 0) {
      problems.push({ kind: 'blank_id', row, column: columnName(map, 'id'), message: `Row ${row}: blank id; using "${id}".` });
    }
  }

  const eventType = cellValue(cellAt(cells, map, 'eventType'));
  const levelMatch = eventType === null ? null : /^\s*level\s*(\d+)/i.exec(eventType);

  // A blank participant count is 0; one that is not a number is reported and counts as 0.
  const participants =
    (numberAt(cells, row, map, 'studentParticipants', problems) ?? 0) + (numberAt(cells, row, map, 'facultyParticipants', problems) ?? 0);

  const modeText = cellValue(cellAt(cells, map, 'mode'));
  let mode: Mode | null = null;
  if (modeText !== null) {
    const m = modeText.toLowerCase();
    if (m === 'online' || m === 'offline') mode = m;
    else invalidValue(problems, row, map, 'mode', modeText, 'online or offline');
  }

  const eventDrivenText = cellValue(cellAt(cells, map, 'eventDriven'));
  let eventDriven: number | null = null;
  if (eventDrivenText !== null) {
    const n = parseNumber(eventDrivenText);
    if (Number.isInteger(n) && n >= 1 && n <= 4) eventDriven = n;
    else invalidValue(problems, row, map, 'eventDriven', eventDrivenText, 'a whole number from 1 to 4');
  }

  const photoPaths: string[] = [];
  const photo1 = pathValue(cellAt(cells, map, 'photo1'));
  const photo2 = pathValue(cellAt(cells, map, 'photo2'));
  if (photo1 !== null) photoPaths.push(photo1);
  if (photo2 !== null) photoPaths.push(photo2);

  return {
    id,
    row,
    title: cellValue(cellAt(cells, map, 'title')),
    objectives: cellValue(cellAt(cells, map, 'objectives')),
    learningOutcomes: cellValue(cellAt(cells, map, 'learningOutcomes')),
    theme: cellValue(cellAt(cells, map, 'theme')),
    eventType,
    declaredLevel: levelMatch ? Number(levelMatch[1]) : null,
    durationHours: numberAt(cells, row, map, 'durationHours', problems),
    participants,
    mode,
    eventDriven,
    fromDate: cellValue(cellAt(cells, map, 'fromDate')),
    financialYear: cellValue(cellAt(cells, map, 'financialYear')),
    academicYear: cellValue(cellAt(cells, map, 'academicYear')),
    reportPath: pathValue(cellAt(cells, map, 'reportPath')),
    photoPaths,
    problems: [],
  };
}

function uniqueId(id: string, row: number, taken: ReadonlySet<string>, problems: BatchProblem[]): string {
  if (!taken.has(id)) return id;
  let unique = `${id}~row${row}`;
  for (let k = 2; taken.has(unique); k++) unique = `${id}~row${row}-${k}`;
  problems.push({ kind: 'duplicate_id', row, column: null, message: `Row ${row}: id "${id}" is used by an earlier row; this row is "${unique}".` });
  return unique;
}
