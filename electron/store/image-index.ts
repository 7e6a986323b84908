// The persistent image index behind duplicate detection across batches (docs/domain.md §6).
// Each (owner, sha256) is kept once, with the (run, row) where it was first seen, so re-running a batch
// finds its own photos as its own and ownership follows (run, row) order, not registration order.
// Similar-hash search scans an in-memory copy of the index, refreshed incrementally from the table.
import { findDuplicates, normalizePhash, type DuplicateMatch, type IndexedImage } from '../validation/duplicates';
import type { Db } from './db';

/** One photo of a submission, as the extractors hashed it. */
export interface PhotoHash {
  /** 1-based photo number within the submission. */
  photo: number;
  sha256: string;
  /** 64-bit perceptual hash (hex or bigint), or null when the image could not be decoded. */
  phash: string | bigint | null;
}

interface IndexRow {
  id: number;
  owner: string;
  submission_id: string;
  sha256: string;
  phash: string | null;
  photo: number;
  run_id: number;
  row: number;
  batch_name: string;
}

const toImage = (r: IndexRow): IndexedImage => ({
  owner: r.owner,
  submissionId: r.submission_id,
  sha256: r.sha256,
  phash: r.phash,
  photo: r.photo,
  runId: r.run_id,
  row: r.row,
  batchName: r.batch_name,
});

/** Generated ids (`row-N`, docs/domain.md §1) only mean something within one batch file. */
export function ownerKey(submissionId: string, batchSha256: string): string {
  return /^row-\d+$/.test(submissionId) ? `${batchSha256}#${submissionId}` : submissionId;
}

export class ImageIndex {
  private readonly loaded: IndexedImage[] = [];
  private lastId = 0;

  constructor(private readonly db: Db) {}

  private run(runId: number): { batch_sha256: string; batch_name: string } {
    const r = this.db.prepare('SELECT batch_sha256, batch_name FROM runs WHERE id = ?').get(runId) as
      { batch_sha256: string; batch_name: string } | undefined;
    if (!r) throw new Error(`no run ${runId}`);
    return r;
  }

  /**
   * Register the photos of one or more rows of a run, in one transaction. Registering again (resume,
   * re-run) changes nothing: the first (run, row) that showed a submission's photo stays its origin.
   */
  register(runId: number, rows: readonly { submissionId: string; row: number; photos: readonly PhotoHash[] }[]): void {
    const run = this.run(runId);
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO image_index (owner, submission_id, sha256, phash, photo, run_id, row, batch_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of rows) {
        for (const p of r.photos) {
          const phash = p.phash === null ? null : normalizePhash(p.phash);
          insert.run(
            ownerKey(r.submissionId, run.batch_sha256),
            r.submissionId,
            p.sha256.toLowerCase(),
            phash,
            p.photo,
            runId,
            r.row,
            run.batch_name,
          );
        }
      }
    })();
  }

  private refresh(): void {
    const rows = this.db.prepare('SELECT * FROM image_index WHERE id > ? ORDER BY id').all(this.lastId) as IndexRow[];
    for (const r of rows) {
      this.loaded.push(toImage(r));
      this.lastId = r.id;
    }
  }

  /**
   * Earlier photos (in (run, row) order) of other submissions that equal or resemble this submission's
   * photos. The photos must have been registered first; the caller waits for every earlier row's registration.
   */
  duplicatesOf(runId: number, submissionId: string, photos: readonly PhotoHash[], threshold: number): DuplicateMatch[] {
    if (photos.length === 0) return [];
    const run = this.run(runId);
    const owner = ownerKey(submissionId, run.batch_sha256);
    const origin = this.db.prepare('SELECT * FROM image_index WHERE owner = ? AND sha256 = ?');
    const own = photos.map((p) => {
      const r = origin.get(owner, p.sha256.toLowerCase()) as IndexRow | undefined;
      if (!r) throw new Error(`photo ${p.photo} of submission ${submissionId} is not registered in the image index`);
      return { ...toImage(r), photo: p.photo };
    });
    this.refresh();
    return findDuplicates(own, this.loaded, threshold);
  }

  /** Every photo in the index, in (run, row) order: what a plan of a new batch checks its photos against. */
  all(): readonly IndexedImage[] {
    this.refresh();
    return this.loaded;
  }

  /** Every index entry of a submission (for inspection and tests). */
  entriesOf(submissionId: string): IndexedImage[] {
    return (this.db.prepare('SELECT * FROM image_index WHERE submission_id = ? ORDER BY id').all(submissionId) as IndexRow[]).map(toImage);
  }
}
