import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError } from '../../../electron/batch/ingest/csv-parser';
import { csvText } from '../../fixtures/generate-batch';

function parse(chunks: string[]): string[][] {
  const p = new CsvParser();
  return [...chunks.flatMap((c) => p.push(c)), ...p.end()];
}

describe('CsvParser (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and embedded CRLF/LF', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2\nline3"\r\n';
    expect(parse([text])).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line1\r\nline2\nline3'],
    ]);
  });

  it('accepts LF, CRLF and lone CR line ends, and a last line without one', () => {
    expect(parse(['a,b\nc,d\r\ne,f\rg,h'])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps empty fields and ragged rows as they are', () => {
    expect(parse(['a,,c\n,\nx\n'])).toEqual([['a', '', 'c'], ['', ''], ['x']]);
  });

  it('treats a quote inside an unquoted field, and text after a closing quote, as literal', () => {
    expect(parse(['5" screen,"ab"cd\n'])).toEqual([['5" screen', 'abcd']]);
  });

  it('splits CRLF and "" escapes across chunk boundaries correctly', () => {
    // The "" escape is split between chunks 1 and 2, the CRLF between chunks 2 and 3.
    expect(parse(['a,"x"', '"y"\r', '\nb,c'])).toEqual([
      ['a', 'x"y'],
      ['b', 'c'],
    ]);
  });

  it('refuses a quoted field that never closes, naming the record', () => {
    expect(() => parse(['h1,h2\nok,fine\n"broken,x\nmore\n'])).toThrow(CsvSyntaxError);
    expect(() => parse(['h1,h2\nok,fine\n"broken,x\nmore\n'])).toThrow(/starts in record 3/);
  });

  it('round-trips any table, however the text is chunked', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é'), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, cuts, eol) => {
          const text = csvText(['h1', 'h2'], rows, { eol });
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(text.slice(last, p));
            last = p;
          }
          chunks.push(text.slice(last));
          expect(parse(chunks)).toEqual([['h1', 'h2'], ...rows]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
