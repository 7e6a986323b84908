// How a batch cell reads (docs/domain.md §1): blank, "nan", "null" and "NaN" mean empty, and a photo cell of
// "0", "none" or "n/a" means "no photo". Pandas exports write these, so the output never copies them.
const EMPTY = new Set(['', 'nan', 'null']);
const NO_PHOTO = new Set(['0', 'none', 'n/a']);

/** The trimmed cell, or null when it means empty. */
export function cellValue(cell: string | undefined): string | null {
  if (cell === undefined) return null;
  const t = cell.trim();
  return t.length <= 4 && EMPTY.has(t.toLowerCase()) ? null : t;
}

/** An attachment path cell, or null when it says there is no photo/report. */
export function pathValue(cell: string | undefined): string | null {
  const v = cellValue(cell);
  return v === null || (v.length <= 4 && NO_PHOTO.has(v.toLowerCase())) ? null : v;
}

/** A decimal number as exports write it ("3", "3.0", "-2.5", " 40 "); anything else is NaN. */
export function parseNumber(text: string): number {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
}
