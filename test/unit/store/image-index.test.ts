import { describe, expect, it } from 'vitest';
import type { PhotoHash } from '../../../electron/store/image-index';
import { newRun, tempStore } from './fixtures';

const db = tempStore();

const T = 8;
const photo = (n: number, sha: string, phash: string | bigint | null = null): PhotoHash => ({ photo: n, sha256: sha, phash });
type Row = { submissionId: string; row: number; photos: PhotoHash[] };

/** Register every row (in the given order), then look each one up, as the batch runner does. */
function runBatch(runId: number, rows: Row[], registerOrder: Row[] = rows) {
  db.store.registerImages(runId, registerOrder);
  return Object.fromEntries(rows.map((r) => [r.submissionId, db.store.duplicatesOf(runId, r.submissionId, r.photos, T)]));
}

describe('image index', () => {
  const june: Row[] = [
    { submissionId: '310279', row: 1, photos: [photo(1, 'p1', 0n), photo(2, 'p2', 0xffff0000ffff0000n)] },
    { submissionId: '310766', row: 2, photos: [photo(1, 'p3', 0x00ff00ff00ff00ffn), photo(2, 'p4', 0x0f0f0f0f0f0f0f0fn)] },
    // Row 3 reuses row 1's photo 1 byte for byte, and a near copy (3 bits off) of row 2's photo 2.
    { submissionId: '314706', row: 3, photos: [photo(1, 'p1', 0n), photo(2, 'p5', 0x0f0f0f0f0f0f0f08n)] },
  ];

  it('catches identical and similar photos within a batch, owned by the first row', () => {
    const run = db.store.createRun(newRun({ batchName: 'june.csv' }));
    const dup = runBatch(run.id, june);
    expect(dup['310279']).toEqual([]);
    expect(dup['310766']).toEqual([]);
    expect(dup['314706']).toEqual([
      { photo: 1, kind: 'identical', distance: 0, submissionId: '310279', batchName: 'june.csv', runId: run.id, row: 1 },
      { photo: 2, kind: 'similar', distance: 3, submissionId: '310766', batchName: 'june.csv', runId: run.id, row: 2 },
    ]);
  });

  it('row order owns the photo whatever the registration order (any worker count)', () => {
    const run = db.store.createRun(newRun());
    const dup = runBatch(run.id, june, [june[2]!, june[0]!, june[1]!]);
    expect(dup['310279']).toEqual([]);
    expect(dup['314706']?.map((m) => m.submissionId)).toEqual(['310279', '310766']);
  });

  it("a submission's own two photos are never each other's duplicate", () => {
    const run = db.store.createRun(newRun());
    const dup = runBatch(run.id, [
      { submissionId: 'x', row: 1, photos: [photo(1, 'same', 5n), photo(2, 'same', 5n)] },
      { submissionId: 'y', row: 2, photos: [photo(1, 'other', 0xfffffffffffffff0n), photo(2, 'near', 7n)] },
    ]);
    expect(dup.x).toEqual([]);
    expect(dup.y).toMatchObject([{ photo: 2, kind: 'similar', distance: 1, submissionId: 'x' }]);
  });

  it('catches a photo reused from an earlier batch, and re-running a batch never flags itself', () => {
    const first = db.store.createRun(newRun({ batchName: 'june.csv', batchSha256: 'j'.repeat(64) }));
    runBatch(first.id, june);
    const july = db.store.createRun(newRun({ batchName: 'july.csv', batchSha256: 'k'.repeat(64) }));
    const dupJuly = runBatch(july.id, [{ submissionId: '400001', row: 1, photos: [photo(1, 'p4', 0x0f0f0f0f0f0f0f0fn)] }]);
    expect(dupJuly['400001']).toEqual([
      { photo: 1, kind: 'identical', distance: 0, submissionId: '310766', batchName: 'june.csv', runId: first.id, row: 2 },
    ]);
    // June again, after July: each June row is itself, and July's reuse does not take ownership.
    const rerun = db.store.createRun(newRun({ batchName: 'june.csv', batchSha256: 'j'.repeat(64) }));
    const dup = runBatch(rerun.id, june);
    expect(dup['310279']).toEqual([]);
    expect(dup['310766']).toEqual([]);
    expect(dup['314706']?.map((m) => [m.submissionId, m.runId])).toEqual([
      ['310279', first.id],
      ['310766', first.id],
    ]);
    expect(db.store.duplicatesOf(july.id, '400001', [photo(1, 'p4', 0x0f0f0f0f0f0f0f0fn)], T)).toHaveLength(1);
  });

  it('generated row ids only match themselves within the same batch file', () => {
    const a = db.store.createRun(newRun({ batchName: 'a.csv', batchSha256: 'a'.repeat(64) }));
    runBatch(a.id, [{ submissionId: 'row-1', row: 1, photos: [photo(1, 'z')] }]);
    const b = db.store.createRun(newRun({ batchName: 'b.csv', batchSha256: 'b'.repeat(64) }));
    expect(runBatch(b.id, [{ submissionId: 'row-1', row: 1, photos: [photo(1, 'z')] }])['row-1']).toMatchObject([{ batchName: 'a.csv' }]);
    const a2 = db.store.createRun(newRun({ batchName: 'a.csv', batchSha256: 'a'.repeat(64) }));
    expect(runBatch(a2.id, [{ submissionId: 'row-1', row: 1, photos: [photo(1, 'z')] }])['row-1']).toEqual([]);
  });

  it('the threshold is inclusive and in bits; undecodable photos still match on bytes', () => {
    const run = db.store.createRun(newRun());
    db.store.registerImages(run.id, [
      { submissionId: 'a', row: 1, photos: [photo(1, 'h1', 0n), photo(2, 'h2', null)] },
      { submissionId: 'b', row: 2, photos: [photo(1, 'h3', 0xffn), photo(2, 'h2', null)] },
    ]);
    const mine = [photo(1, 'h3', 0xffn), photo(2, 'h2', null)];
    expect(db.store.duplicatesOf(run.id, 'b', mine, 8).map((m) => [m.photo, m.kind, m.distance])).toEqual([
      [1, 'similar', 8],
      [2, 'identical', 0],
    ]);
    expect(db.store.duplicatesOf(run.id, 'b', mine, 7).map((m) => m.photo)).toEqual([2]);
  });

  it('a lookup before registration is a clear error, not a silent miss', () => {
    const run = db.store.createRun(newRun());
    expect(() => db.store.duplicatesOf(run.id, 'a', [photo(1, 'nope')], T)).toThrow('photo 1 of submission a is not registered');
    expect(() => db.store.registerImages(99, [])).toThrow('no run 99');
  });
});
