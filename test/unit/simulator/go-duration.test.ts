// Go durations as Groq writes them in x-ratelimit-reset-* headers and "try again in" hints.
import { describe, expect, it } from 'vitest';
import { formatGoDuration, GO_DURATION_PATTERN, parseGoDuration } from '../../../electron/providers/go-duration';

describe('Go durations', () => {
  it.each([
    ['2m59.56s', 179_560],
    ['7.66s', 7_660],
    ['566ms', 566],
    ['1h2m3s', 3_723_000],
    ['1.984999999s', 1_984.999999],
    ['41s', 41_000],
    ['41.754757778s', 41_754.757778],
    ['1m23.5s', 83_500],
    ['0', 0],
    ['250us', 0.25],
  ])('parses %s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'soon', '12', '1x', '2m59.56s.'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });

  it.each([
    [566, '566ms'],
    [7_660, '7.66s'],
    [179_560, '2m59.56s'],
    [3_723_000, '1h2m3s'],
    [11_455, '11.455s'],
    [86_400_000, '24h0m0s'],
    [0, '0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it('round-trips to the millisecond', () => {
    for (const ms of [1, 999, 1_000, 1_001, 59_999, 60_000, 61_234, 3_599_999, 7_200_001]) {
      expect(parseGoDuration(formatGoDuration(ms))).toBeCloseTo(ms, 0);
    }
  });

  it("finds a duration inside prose, without the sentence's full stop", () => {
    const m = new RegExp(`try again in (${GO_DURATION_PATTERN})`).exec('Please try again in 1m23.5s. Need more tokens?');
    expect(m?.[1]).toBe('1m23.5s');
  });
});
