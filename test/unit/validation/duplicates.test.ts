import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { duplicateRule, findDuplicates, hammingDistance, normalizePhash, type IndexedImage } from '../../../electron/validation/duplicates';
import { ruleById } from '../../../electron/validation/rules-table';

const img = (over: Partial<IndexedImage>): IndexedImage => ({
  owner: 'a',
  submissionId: 'a',
  sha256: 'sha-a',
  phash: '0000000000000000',
  photo: 1,
  runId: 1,
  row: 1,
  batchName: 'b1.csv',
  ...over,
});
const def = ruleById(DEFAULT_RULES, 'duplicate_photo');

describe('perceptual hash distance', () => {
  it.each([
    ['0000000000000000', '0000000000000000', 0],
    ['0000000000000000', 'ffffffffffffffff', 64],
    ['ffffffff00000000', '00000000ffffffff', 64],
    ['0000000000000001', '8000000000000000', 2],
    ['00000000000000ff', '0000000000000000', 8],
  ])('%s vs %s = %i bits', (a, b, d) => expect(hammingDistance(a, b)).toBe(d));

  it('normalizes hex and bigint hashes; refuses the rest', () => {
    expect(normalizePhash(0xffn)).toBe('00000000000000ff');
    expect(normalizePhash('0xABC')).toBe('0000000000000abc');
    expect(() => normalizePhash('12345678901234567')).toThrow('not a 64-bit hash');
    expect(() => normalizePhash(-1n)).toThrow('not a 64-bit hash');
  });
});

describe('findDuplicates', () => {
  const threshold = 8;
  it('identical bytes of an earlier row are a duplicate; the later row owns nothing', () => {
    const first = img({ owner: '1', submissionId: '1', row: 1, sha256: 'x' });
    const second = img({ owner: '2', submissionId: '2', row: 2, sha256: 'x', photo: 2 });
    expect(findDuplicates([second], [first], threshold)).toEqual([
      { photo: 2, kind: 'identical', distance: 0, submissionId: '1', batchName: 'b1.csv', runId: 1, row: 1 },
    ]);
    expect(findDuplicates([first], [second], threshold)).toEqual([]);
  });

  it('similar within the threshold in bits, inclusive', () => {
    const first = img({ owner: '1', row: 1, sha256: 'x', phash: '00000000000000ff' });
    const near = img({ owner: '2', row: 2, sha256: 'y', phash: '0000000000000000' });
    expect(findDuplicates([near], [first], 8)).toMatchObject([{ kind: 'similar', distance: 8 }]);
    expect(findDuplicates([near], [first], 7)).toEqual([]);
  });

  it("a submission's own photos are never each other's duplicate", () => {
    const p1 = img({ owner: '1', photo: 1, sha256: 'x' });
    const p2 = img({ owner: '1', photo: 2, sha256: 'x' });
    expect(findDuplicates([p2], [p1], 8)).toEqual([]);
  });

  it('earlier runs come before later ones, whatever the row numbers', () => {
    const older = img({ owner: '9', submissionId: '9', runId: 1, row: 400, sha256: 'x', batchName: 'old.csv' });
    const newer = img({ owner: '2', runId: 2, row: 1, sha256: 'x' });
    expect(findDuplicates([newer], [older], 8)).toMatchObject([{ submissionId: '9', batchName: 'old.csv' }]);
  });

  it('picks the closest match per photo', () => {
    const own = img({ owner: '5', row: 5, sha256: 'q', phash: '0000000000000000' });
    const far = img({ owner: '1', submissionId: '1', row: 1, sha256: 'r', phash: '000000000000001f' });
    const near = img({ owner: '3', submissionId: '3', row: 3, sha256: 's', phash: '0000000000000001' });
    expect(findDuplicates([own], [far, near], 8)).toMatchObject([{ submissionId: '3', distance: 1 }]);
  });
});

describe('duplicate rule', () => {
  it('fails with the reasons; passes without matches; no photos → skipped; not looked up → undetermined', () => {
    const m = [
      { photo: 1, kind: 'identical' as const, distance: 0, submissionId: '310766', batchName: 'X', runId: 1, row: 2 },
      { photo: 2, kind: 'similar' as const, distance: 5, submissionId: '310279', batchName: 'X', runId: 1, row: 1 },
    ];
    expect(duplicateRule(def, m, 2)).toMatchObject({
      verdict: 'fail',
      reason: 'photo 1 identical to submission 310766 in batch X, photo 2 similar (5 bits) to submission 310279 in batch X',
    });
    expect(duplicateRule(def, [], 2)).toMatchObject({ verdict: 'pass', earned: 15 });
    expect(duplicateRule(def, [], 0).verdict).toBe('skipped');
    expect(duplicateRule(def, null, 1).verdict).toBe('undetermined');
  });
});
