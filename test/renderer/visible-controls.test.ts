// A submitter's bidirectional controls are shown as code points, so a cell cannot read as something else
// ("Invoice \u202Efdp.exe" displaying as "Invoice exe.pdf"); other text, markup and formulas included, is unchanged.
import { describe, expect, it } from 'vitest';
import { visibleControls } from '../../renderer/components/visible-controls';

describe('visibleControls', () => {
  it('shows overrides, embeddings, isolates and marks as their code points', () => {
    expect(visibleControls('Invoice \u202Efdp.exe')).toBe('Invoice [U+202E]fdp.exe');
    expect(visibleControls('\u202Aa\u202Bb\u202Cc\u202Dd\u2066e\u2067f\u2068g\u2069h\u200Ei\u200F')).toBe(
      '[U+202A]a[U+202B]b[U+202C]c[U+202D]d[U+2066]e[U+2067]f[U+2068]g[U+2069]h[U+200E]i[U+200F]',
    );
  });

  it('leaves other text as written: right-to-left script, markup, formulas, zero-width joiners', () => {
    for (const text of ['מפגש חדשנות', 'ورشة عمل', '<img src=x onerror=alert(1)>', '=HYPERLINK("http://x")', 'a\u200Db', '']) {
      expect(visibleControls(text)).toBe(text);
    }
  });
});
