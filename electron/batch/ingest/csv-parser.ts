// An incremental RFC-4180 CSV parser: quoted fields with embedded commas, quotes ("") and newlines;
// CRLF, LF or lone CR line ends; chunks may split anywhere (even between the CR and LF of a CRLF).
// Lenient where real exports are sloppy: characters after a closing quote are kept as text.

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Caps on one cell and one row, in characters; past either the parser throws CsvLimitError at once. */
export interface CsvParserLimits {
  cellChars: number;
  rowChars: number;
}

export class CsvParser {
  private field = '';
  /** Characters in the current record's finished fields. */
  private rowChars = 0;
  private record: string[] = [];
  private inQuotes = false;
  /** Just saw the quote that may close a quoted field (or start a "" escape). */
  private quotePending = false;
  /** The previous chunk ended in CR: a leading LF in the next chunk belongs to it. */
  private crPending = false;
  /** At the start of a field, where a quote opens a quoted field. */
  private atFieldStart = true;
  /** Record number (1-based, header included) where the open quoted field started, for the error message. */
  private quoteStartRecord = 0;
  private records = 0;

  constructor(private readonly limits: CsvParserLimits = { cellChars: Infinity, rowChars: Infinity }) {}

  /** Checked after every append, so a huge cell costs at most one chunk beyond the cap. */
  private checkSize(completed: string[][]): void {
    const kind = this.field.length > this.limits.cellChars ? 'cell' : this.rowChars + this.field.length > this.limits.rowChars ? 'row' : null;
    if (kind) throw new CsvLimitError(kind, this.record.length + 1, completed);
  }

  /** Feeds the next chunk; returns the records it completed. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    let i = 0;
    const n = chunk.length;
    if (this.crPending) {
      this.crPending = false;
      if (n > 0 && chunk.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (chunk.charCodeAt(i) === QUOTE) {
            this.field += '"';
            i++;
            continue;
          }
          this.inQuotes = false; // the quote closed the field; fall through to the unquoted branch
          continue;
        }
        const q = chunk.indexOf('"', i);
        if (q === -1) {
          this.field += chunk.slice(i);
          i = n;
        } else {
          this.field += chunk.slice(i, q);
          this.quotePending = true;
          i = q + 1;
        }
        this.checkSize(out);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === QUOTE && this.atFieldStart) {
        this.inQuotes = true;
        this.atFieldStart = false;
        this.quoteStartRecord = this.records + 1;
        i++;
      } else if (c === COMMA) {
        this.endField();
        i++;
      } else if (c === LF || c === CR) {
        out.push(this.endRecord());
        i++;
        if (c === CR) {
          if (i < n) {
            if (chunk.charCodeAt(i) === LF) i++;
          } else {
            this.crPending = true;
          }
        }
      } else {
        // Plain text runs to the next delimiter (a quote inside it is literal); one slice is much faster than per character.
        let j = i + 1;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        this.field += chunk.slice(i, j);
        this.checkSize(out);
        this.atFieldStart = false;
        i = j;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if the text didn't end with a line break. */
  end(): string[][] {
    if (this.inQuotes && !this.quotePending) {
      throw new CsvSyntaxError(`a quoted field that starts in record ${this.quoteStartRecord} is never closed`);
    }
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field === '' && this.record.length === 0 && this.atFieldStart) return [];
    return [this.endRecord()];
  }

  private endField(): void {
    this.rowChars += this.field.length;
    this.record.push(this.field);
    this.field = '';
    this.atFieldStart = true;
  }

  private endRecord(): string[] {
    this.endField();
    const record = this.record;
    this.record = [];
    this.rowChars = 0;
    this.records++;
    return record;
  }
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
}

/** A cell or row past the parser's limits, in field `column` (from 1) of the record after `completed` (this chunk's finished ones). */
export class CsvLimitError extends Error {
  override name = 'CsvLimitError';
  constructor(
    readonly kind: 'cell' | 'row',
    readonly column: number,
    readonly completed: string[][],
  ) {
    super(`field ${column}: the ${kind} is too large`);
  }
}
