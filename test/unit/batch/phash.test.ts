// pHash (docs/domain.md §6): identical → 0 bits, re-encoded or resized → a few bits, a different picture → many.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { phash, phashOfPixels } from '../../../electron/batch/extract/phash';
import { hammingDistance as hamming } from '../../../electron/validation/duplicates';

/** A scene of shapes and a banner, drawn by SVG: structure like a photo, without shipping one. */
function scene(hue: number, layout: 'a' | 'b'): Buffer {
  const shapes =
    layout === 'a'
      ? `<rect x="40" y="60" width="300" height="90" fill="hsl(${hue},70%,45%)"/><circle cx="480" cy="300" r="110" fill="#234"/><rect x="80" y="300" width="200" height="140" fill="#c84"/>`
      : `<circle cx="150" cy="150" r="120" fill="#c33"/><rect x="360" y="40" width="220" height="380" fill="#2a6"/><rect x="0" y="400" width="640" height="80" fill="#111"/>`;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="#eee"/>${shapes}</svg>`);
}
const hashOf = (bytes: Buffer) => phash(sharp(bytes));

describe('phash', () => {
  it('identical images: distance 0, and the hash is 16 hex digits', async () => {
    const png = await sharp(scene(200, 'a')).png().toBuffer();
    const [a, b] = [await hashOf(png), await hashOf(Buffer.from(png))];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hamming(a, b)).toBe(0);
  });

  it('re-encoded as a low-quality JPEG and resized: a small distance (≤ 8 bits, the default threshold)', async () => {
    const original = await sharp(scene(200, 'a')).png().toBuffer();
    const near = await sharp(original).resize(320).jpeg({ quality: 40 }).toBuffer();
    const d = hamming(await hashOf(original), await hashOf(near));
    expect(d).toBeLessThanOrEqual(8);
  });

  it('a different picture: a large distance', async () => {
    const d = hamming(await hashOf(await sharp(scene(200, 'a')).png().toBuffer()), await hashOf(await sharp(scene(20, 'b')).png().toBuffer()));
    expect(d).toBeGreaterThan(20);
  });

  it('hamming counts differing bits', () => {
    expect(hamming('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hamming('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('needs exactly 32×32 grey pixels', () => {
    expect(() => phashOfPixels(new Uint8Array(100))).toThrow(/1024 grey pixels/);
  });
});
