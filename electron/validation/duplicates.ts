// Duplicate photos (docs/domain.md §6): identical bytes (SHA-256) or a similar 64-bit perceptual hash
// (Hamming distance in bits ≤ threshold). The first occurrence in (run, row) order owns a photo, so the
// verdict does not depend on which worker registered first. A submission never duplicates itself: not
// its own two photos, and not its own photos registered by an earlier run of the same batch.
import type { RuleDefinition, RuleResult } from '../../shared/domain';
import { judge } from './rule-result';

/** One photo as registered in the image index. */
export interface IndexedImage {
  /** Who owns the photo across runs: the submission id (scoped to the batch file for generated `row-N` ids). */
  owner: string;
  submissionId: string;
  sha256: string;
  /** 16 lowercase hex digits, or null when the photo could not be decoded for hashing. */
  phash: string | null;
  /** 1-based photo number within the submission (photo1, photo2). */
  photo: number;
  runId: number;
  row: number;
  batchName: string;
}

export interface DuplicateMatch {
  /** Our photo that matched (1-based). */
  photo: number;
  kind: 'identical' | 'similar';
  /** Hamming distance in bits (0 for identical bytes). */
  distance: number;
  submissionId: string;
  batchName: string;
  runId: number;
  row: number;
}

/** Canonical form of a 64-bit hash: 16 lowercase hex digits. */
export function normalizePhash(hash: string | bigint): string {
  const hex = typeof hash === 'bigint' ? hash.toString(16) : hash.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,16}$/.test(hex) || (typeof hash === 'bigint' && hash < 0n)) {
    throw new Error(`not a 64-bit hash: ${String(hash)}`);
  }
  return hex.padStart(16, '0');
}

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

type Split = readonly [hi: number, lo: number];

function split(hex: string): Split {
  return [parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8), 16)];
}

function distance(a: Split, b: Split): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}

/** Hamming distance in bits between two canonical 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  return distance(split(a), split(b));
}

function earlier(a: { runId: number; row: number }, b: { runId: number; row: number }): boolean {
  return a.runId < b.runId || (a.runId === b.runId && a.row < b.row);
}

function better(a: DuplicateMatch, b: DuplicateMatch): boolean {
  if (a.distance !== b.distance) return a.distance < b.distance;
  return earlier(a, b);
}

/**
 * The closest earlier match for each of our photos (at most one per photo), in photo order. This is the hot
 * loop of a lookup over the whole index, so it parses a hash only for candidates that could match.
 */
export function findDuplicates(own: readonly IndexedImage[], others: Iterable<IndexedImage>, threshold: number): DuplicateMatch[] {
  const best = new Map<number, DuplicateMatch>();
  const mine = own.map((img) => ({ img, split: img.phash === null ? null : split(img.phash) }));
  for (const other of others) {
    let theirs: Split | undefined;
    for (const { img, split: ours } of mine) {
      if (other.owner === img.owner || !earlier(other, img)) continue;
      const identical = other.sha256 === img.sha256;
      let d = 0;
      if (!identical) {
        if (ours === null || other.phash === null) continue;
        theirs ??= split(other.phash);
        d = distance(ours, theirs);
        if (d > threshold) continue;
      }
      const found: DuplicateMatch = {
        photo: img.photo,
        kind: identical ? 'identical' : 'similar',
        distance: d,
        submissionId: other.submissionId,
        batchName: other.batchName,
        runId: other.runId,
        row: other.row,
      };
      const cur = best.get(img.photo);
      if (!cur || better(found, cur)) best.set(img.photo, found);
    }
  }
  return [...best.values()].sort((a, b) => a.photo - b.photo);
}

/** How `other` duplicates `own`, when it is someone else's photo that came first; else null. */
export function matchImage(own: IndexedImage, other: IndexedImage, threshold: number): DuplicateMatch | null {
  return findDuplicates([own], [other], threshold)[0] ?? null;
}

export function duplicateReason(m: DuplicateMatch): string {
  const how = m.kind === 'identical' ? 'identical' : `similar (${m.distance} bits)`;
  return `photo ${m.photo} ${how} to submission ${m.submissionId} in batch ${m.batchName}`;
}

/** "Duplicate photo detection": passes when none of the submission's photos duplicates an earlier one. */
export function duplicateRule(def: RuleDefinition, matches: readonly DuplicateMatch[] | null, photoCount: number): RuleResult {
  if (photoCount === 0) return judge(def, 'skipped', 'no usable photo to compare');
  if (matches === null) return judge(def, 'undetermined', 'photos were not checked against the image index');
  if (matches.length > 0) return judge(def, 'fail', matches.map(duplicateReason).join(', '));
  return judge(def, 'pass', `no duplicate among ${photoCount} photo${photoCount === 1 ? '' : 's'}`);
}
