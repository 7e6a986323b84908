// Detects a header that doesn't line up with the data (docs/domain.md §1): one real export has an extra header
// cell, so every value sits one column off. Columns with an unmistakable shape (numeric ids, .pdf reports,
// image paths, online/offline, "Level N - …") are checked where the header says they are and one column to
// either side; when most of them only fit shifted, or fit nowhere, the file is refused rather than run.
import type { MappedField } from '../../shared/batch';
import type { ColumnMap } from './mapping';
import { cellValue } from './cells';

interface Shape {
  field: MappedField;
  expected: string;
  test: (v: string) => boolean;
}

const IMAGE = /\.(jpe?g|png|gif|webp|heic|heif|bmp|tiff?)$/i;
const SHAPES: readonly Shape[] = [
  { field: 'id', expected: 'a numeric id', test: (v) => /^\d+$/.test(v) },
  { field: 'reportPath', expected: 'a .pdf path', test: (v) => /\.pdf$/i.test(v) },
  { field: 'photo1', expected: 'an image path', test: (v) => IMAGE.test(v) || v === '0' },
  { field: 'photo2', expected: 'an image path', test: (v) => IMAGE.test(v) || v === '0' },
  { field: 'mode', expected: 'online or offline', test: (v) => /^(online|offline)$/i.test(v) },
  { field: 'eventType', expected: '"Level N - <type>"', test: (v) => /^level\s*\d/i.test(v) },
  { field: 'durationHours', expected: 'a number of hours', test: (v) => /^[+-]?\d+(\.\d*)?$/.test(v) },
  { field: 'eventDriven', expected: 'a number from 1 to 4', test: (v) => /^[1-4](\.0*)?$/.test(v) },
  { field: 'financialYear', expected: 'a year like 2024-25', test: (v) => /^\d{4}\s*-\s*\d{2,4}$/.test(v) },
];

const SAMPLE_ROWS = 500;
const MIN_FIELDS = 2;
/** Below this share of shaped values a column doesn't fit where the header puts it. */
const FITS = 0.5;
/** A shift explains the file when this share of values fits one column over. */
const SHIFT_FITS = 0.8;
/** With no shift that fits, a header this far off is refused anyway. */
const NOWHERE = 0.3;

/** null when the header lines up; otherwise the explanation for refusing the file. */
export function checkAlignment(columns: readonly string[], rows: readonly (readonly string[])[], map: ColumnMap): string | null {
  const sample = rows.slice(0, SAMPLE_ROWS);
  const scores = new Map<number, number[]>([
    [-1, []],
    [0, []],
    [1, []],
  ]);
  const misfits: string[] = [];
  for (const shape of SHAPES) {
    const at = map.index[shape.field];
    if (at < 0) continue;
    const here = fit(sample, at, shape);
    if (here === null) continue; // the column is empty: no evidence either way
    scores.get(0)!.push(here.share);
    for (const offset of [-1, 1]) scores.get(offset)!.push(fit(sample, at + offset, shape)?.share ?? 0);
    if (here.share < FITS) {
      const name = columns[at] ?? shape.field;
      misfits.push(
        `"${name}" holds values like "${clip(here.example)}" in ${Math.round((1 - here.share) * 100)}% of rows, where ${shape.expected} belongs`,
      );
    }
  }
  const [left, aligned, right] = [-1, 0, 1].map((o) => mean(scores.get(o)!));
  if (scores.get(0)!.length < MIN_FIELDS || aligned === undefined || aligned >= FITS) return null;
  const evidence = misfits.join('; ');
  if ((right ?? 0) >= SHIFT_FITS || (left ?? 0) >= SHIFT_FITS) {
    const side = (right ?? 0) >= (left ?? 0) ? 'right' : 'left';
    return (
      `The header doesn't line up with the data: every value sits one column to the ${side} of its header ` +
      `(${side === 'left' ? 'as if the header had an extra cell' : 'as if the header lacked a cell, or each row had an extra one'}). ${evidence}. ` +
      'Fix the header row and load the file again; nothing was run.'
    );
  }
  if (aligned < NOWHERE) {
    return `The header doesn't line up with the data: ${evidence}. Check that the header row belongs to this data; nothing was run.`;
  }
  return null;
}

function fit(rows: readonly (readonly string[])[], col: number, shape: Shape): { share: number; example: string } | null {
  if (col < 0) return null;
  let seen = 0;
  let ok = 0;
  let example = '';
  for (const r of rows) {
    const v = cellValue(r[col]);
    if (v === null) continue;
    seen++;
    if (shape.test(v)) ok++;
    else if (example === '') example = v;
  }
  return seen === 0 ? null : { share: ok / seen, example };
}

function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
