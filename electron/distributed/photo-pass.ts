// Duplicate ownership follows row order over the whole batch (docs/scale-out.md "Distributed runs"), and rows of one
// batch land on different machines in any order, so the coordinator alone keeps the image index: before queueing, it
// hashes every row's photos, registers them in its SQLite index and asks the index for each row's duplicates.
// Workers get the answer with the chunk; no worker ever waits for another's rows (no cross-machine barrier to deadlock).
import type { Submission } from '../../shared/domain';
import type { AttachmentResolver } from '../batch/attachments/attachments';
import { prepareImage } from '../batch/extract/extract-image';
import type { PhotoHash } from '../store/image-index';
import type { Store } from '../store/store';
import type { DuplicateMatch } from '../validation/duplicates';

/** Photos decoded at once: the pass is CPU-bound (sharp), and the coordinator machine also serves the run. */
const PARALLEL = 4;

/** A row's usable photos as evaluation hashes them (1-based slot, original bytes' SHA-256, pHash). */
async function photoHashes(resolver: AttachmentResolver, s: Submission): Promise<PhotoHash[]> {
  const hashes = await Promise.all(
    s.photoPaths.map(async (raw, i): Promise<PhotoHash | null> => {
      if (!raw) return null;
      const where = await resolver.resolve(raw, s.eventDriven);
      if (!where.ok) return null;
      const facts = await prepareImage(where.path);
      return facts.ok ? { photo: i + 1, sha256: facts.sha256, phash: facts.phash } : null;
    }),
  );
  return hashes.filter((h): h is PhotoHash => h !== null);
}

/** Every row's duplicates by submission id, with the rows' photos registered in the coordinator's image index. */
export async function duplicatesPass(
  deps: { store: Store; runId: number; resolver: AttachmentResolver | null; phashThreshold: number },
  submissions: readonly Submission[],
): Promise<Map<string, DuplicateMatch[]>> {
  const hashes = new Map<string, PhotoHash[]>();
  if (deps.resolver) {
    const resolver = deps.resolver;
    for (let i = 0; i < submissions.length; i += PARALLEL) {
      const slice = submissions.slice(i, i + PARALLEL);
      const got = await Promise.all(slice.map((s) => photoHashes(resolver, s)));
      slice.forEach((s, j) => hashes.set(s.id, got[j] ?? []));
    }
  }
  const rows = submissions.flatMap((s) => {
    const photos = hashes.get(s.id) ?? [];
    return photos.length > 0 ? [{ submissionId: s.id, row: s.row, photos }] : [];
  });
  if (rows.length > 0) deps.store.registerImages(deps.runId, rows);
  return new Map(submissions.map((s) => [s.id, deps.store.duplicatesOf(deps.runId, s.id, hashes.get(s.id) ?? [], deps.phashThreshold)]));
}
