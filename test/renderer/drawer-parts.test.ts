// The drawer's pure parts: where Tab goes at the edges of the focus trap, and who "judged by" names.
import { describe, expect, it } from 'vitest';
import { fmtJudgedBy } from '../../renderer/components/format';
import { nextInTrap } from '../../renderer/components/useFocusTrap';

describe('nextInTrap', () => {
  const items = ['close', 'link', 'summary'];
  it('wraps Tab from the last to the first and Shift+Tab from the first to the last', () => {
    expect(nextInTrap(items, 'summary', false)).toBe('close');
    expect(nextInTrap(items, 'close', true)).toBe('summary');
  });
  it('leaves the browser’s order alone inside the panel', () => {
    expect(nextInTrap(items, 'link', false)).toBeNull();
    expect(nextInTrap(items, 'link', true)).toBeNull();
  });
  it('brings a focus that escaped back in, and does nothing with nothing to focus', () => {
    expect(nextInTrap(items, null, false)).toBe('close');
    expect(nextInTrap(items, null, true)).toBe('summary');
    expect(nextInTrap([], null, false)).toBeNull();
  });
});

describe('fmtJudgedBy', () => {
  it('names every source, so a rule the heuristic judged never reads as Groq’s', () => {
    expect(fmtJudgedBy([{ source: 'groq' }, { source: 'heuristic' }, { source: 'rule' }, { source: 'groq' }])).toBe('Groq, Heuristic');
    expect(fmtJudgedBy([{ source: 'heuristic' }])).toBe('Heuristic');
  });
  it('says when no model or heuristic judged anything', () => {
    expect(fmtJudgedBy([{ source: 'rule' }])).toBe('the deterministic rules only');
  });
});
