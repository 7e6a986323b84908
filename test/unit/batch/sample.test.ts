// The shipped sample batch (scripts/make-sample.ts): it is current and deterministic, it ingests cleanly,
// and its attachments exercise what manifest.json says (duplicates, missing files, traversal, bad files).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Submission } from '../../../shared/domain';
import { createAttachmentResolver, type AttachmentResolution } from '../../../electron/batch/attachments/attachments';
import { extractPdf } from '../../../electron/batch/extract/extract-pdf';
import { prepareImage, type ImageFacts } from '../../../electron/batch/extract/extract-image';
import { hammingDistance as hamming } from '../../../electron/validation/duplicates';
import { loadBatch } from '../../../electron/batch/ingest/load-batch';
import { makeSample } from '../../../scripts/make-sample';
import { EXPORT_COLUMNS } from '../../fixtures/generate-batch';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLE = path.join(repoRoot, 'test/fixtures/sample');
const ATT = path.join(SAMPLE, 'attachments');

interface ManifestRow {
  id: string;
  row: number;
  intent: string;
  note: string;
}
let manifest: ManifestRow[];
let subs: Submission[];
beforeAll(async () => {
  manifest = JSON.parse(await readFile(path.join(SAMPLE, 'manifest.json'), 'utf8')).rows;
  subs = (await loadBatch(path.join(SAMPLE, 'batch.csv'))).submissions;
});

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out.sort();
}
const byNote = (re: RegExp) => {
  const m = manifest.find((r) => re.test(r.note));
  if (!m) throw new Error(`no sample row for ${re}`);
  return subs[m.row - 1]!;
};

describe('the sample batch', () => {
  it('is what scripts/make-sample.ts writes, byte for byte (regenerate with: npx tsx scripts/make-sample.ts)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'sample-'));
    try {
      await makeSample(tmp);
      const [want, got] = [await files(tmp), await files(SAMPLE)];
      expect(got.map((f) => path.relative(SAMPLE, f))).toEqual(want.map((f) => path.relative(tmp, f)));
      for (let i = 0; i < want.length; i++) {
        const h = async (f: string) =>
          createHash('sha256')
            .update(await readFile(f))
            .digest('hex');
        expect(await h(got[i]!), path.relative(SAMPLE, got[i]!)).toBe(await h(want[i]!));
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('is small: under 3 MB, every photo at most 60 KB', async () => {
    const all = await files(SAMPLE);
    const sizes = await Promise.all(all.map(async (f) => ({ f, size: (await stat(f)).size })));
    expect(sizes.reduce((n, s) => n + s.size, 0)).toBeLessThan(3 * 1024 * 1024);
    for (const s of sizes.filter((x) => x.f.endsWith('.jpg'))) expect(s.size, s.f).toBeLessThanOrEqual(60 * 1024);
  });

  it('is in the real 55-column format and ingests without problems', async () => {
    const b = await loadBatch(path.join(SAMPLE, 'batch.csv'));
    expect(b.table.columns).toEqual([...EXPORT_COLUMNS]);
    expect(b.submissions).toHaveLength(30);
    expect(b.problems).toEqual([]);
    expect(b.submissions.map((s) => s.id)).toEqual(manifest.map((m) => m.id));
    expect(new Set(manifest.map((m) => m.intent))).toEqual(new Set(['Accepted', 'Rejected', 'Reopen', 'Review']));
  });

  it('its attachments resolve as the manifest says', async () => {
    const r = await createAttachmentResolver(ATT);
    const resolve = (p: string | null, s: Submission): Promise<AttachmentResolution | null> =>
      p ? r.resolve(p, s.eventDriven) : Promise.resolve(null);
    expect(await resolve(byNote(/look-up \(b\)/).reportPath, byNote(/look-up \(b\)/))).toMatchObject({ ok: true, via: 'uploads_institutes' });
    expect(await resolve(byNote(/look-up \(c\)/).reportPath, byNote(/look-up \(c\)/))).toMatchObject({ ok: true, via: 'basename' });
    expect(await resolve(byNote(/direct look-up/).reportPath, byNote(/direct look-up/))).toMatchObject({ ok: true, via: 'direct' });
    expect(await resolve(byNote(/report file missing/).reportPath, byNote(/report file missing/))).toMatchObject({ ok: false, code: 'missing' });
    expect(await resolve(byNote(/climbs out/).reportPath, byNote(/climbs out/))).toMatchObject({ ok: false, code: 'escape' });
    expect(byNote(/no photos/).photoPaths).toEqual([]);
    for (const m of manifest.filter((x) => x.intent === 'Accepted')) {
      const s = subs[m.row - 1]!;
      expect(await resolve(s.reportPath, s), `row ${m.row} report`).toMatchObject({ ok: true });
      for (const p of s.photoPaths) expect(await resolve(p, s), `row ${m.row} ${p}`).toMatchObject({ ok: true });
    }
  });

  it('its PDFs: text with expert and participants, one scanned without text, one corrupt', async () => {
    const r = await createAttachmentResolver(ATT);
    const pdfOf = async (s: Submission) => {
      const res = await r.resolve(s.reportPath!, s.eventDriven);
      if (!res.ok) throw new Error(res.reason);
      return extractPdf(res.path);
    };
    const good = await pdfOf(subs[0]!);
    expect(good).toMatchObject({ ok: true, title: subs[0]!.title, titleSource: 'metadata' });
    expect(good.ok && good.text).toMatch(/Resource person \/ speaker: .+[\s\S]*Participants: \d+ students/);
    expect(await pdfOf(byNote(/^scanned report: an image-only/))).toMatchObject({ ok: true, text: null });
    expect(await pdfOf(byNote(/corrupt PDF/))).toMatchObject({ ok: false, code: 'corrupt' });
  });

  it('its photos: an identical reuse, a near duplicate, a GPS tag, a PDF posing as a photo; unrelated photos are far apart', async () => {
    const facts = async (s: Submission, i = 0) => {
      const res = await (await createAttachmentResolver(ATT)).resolve(s.photoPaths[i]!, s.eventDriven);
      if (!res.ok) throw new Error(res.reason);
      return prepareImage(res.path);
    };
    const ok = (f: Awaited<ReturnType<typeof facts>>): ImageFacts => {
      if (!f.ok) throw new Error(f.reason);
      return f;
    };
    const [row1, row2] = [ok(await facts(subs[0]!)), ok(await facts(subs[1]!))];
    const reused = ok(await facts(byNote(/identical duplicate/)));
    expect(reused.sha256).toBe(row1.sha256);
    const near = ok(await facts(byNote(/near duplicate/)));
    expect(near.sha256).not.toBe(row2.sha256);
    expect(hamming(near.phash, row2.phash)).toBeLessThanOrEqual(8);
    expect(ok(await facts(byNote(/EXIF GPS/))).gps).toMatchObject({ latitude: expect.closeTo(18.52, 2), longitude: expect.closeTo(73.86, 2) });
    expect(await facts(byNote(/PDF named \.jpg/))).toMatchObject({ ok: false, code: 'mislabelled' });

    // Every other photo of an Accepted row is more than the default threshold (8 bits) from all the others.
    const hashes: { id: string; phash: string }[] = [];
    for (const m of manifest.filter((x) => x.intent === 'Accepted')) {
      const s = subs[m.row - 1]!;
      for (let i = 0; i < s.photoPaths.length; i++) hashes.push({ id: `${s.id}/${i}`, phash: ok(await facts(s, i)).phash });
    }
    for (let a = 0; a < hashes.length; a++) {
      for (let b = a + 1; b < hashes.length; b++)
        expect(hamming(hashes[a]!.phash, hashes[b]!.phash), `${hashes[a]!.id} vs ${hashes[b]!.id}`).toBeGreaterThan(8);
    }
  });
});
