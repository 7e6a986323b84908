// 64-bit DCT perceptual hash (docs/domain.md §6): 32×32 greyscale → 2-D DCT-II → the 8×8 lowest frequencies
// next to DC (rows and columns 1–8, so DC itself is left out) → one bit each, set when the coefficient
// is above their median. Similar pictures differ in few bits; distance is Hamming in bits.
import type { Sharp } from 'sharp';

const N = 32;
const K = 8;

// cos((2x + 1) u π / 2N) for u = 1..K, x = 0..N-1: the only DCT rows the hash needs.
const COS: Float64Array[] = Array.from({ length: K }, (_, i) => {
  const u = i + 1;
  return Float64Array.from({ length: N }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N)));
});

/** The hash of an image pipeline (already rotated upright), as 16 hex digits. */
export async function phash(image: Sharp): Promise<string> {
  const grey = await image.greyscale().resize(N, N, { fit: 'fill' }).raw().toBuffer();
  return phashOfPixels(grey);
}

/** The hash of 32×32 8-bit grey pixels, row-major. */
export function phashOfPixels(pixels: Uint8Array): string {
  if (pixels.length !== N * N) throw new Error(`phash needs ${N * N} grey pixels, got ${pixels.length}`);
  // Separable DCT: first along rows (u: horizontal frequency), then along columns (v).
  const rows = new Float64Array(N * K);
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < K; u++) {
      const c = COS[u]!;
      let s = 0;
      for (let x = 0; x < N; x++) s += pixels[y * N + x]! * c[x]!;
      rows[y * K + u] = s;
    }
  }
  const coeffs = new Float64Array(K * K);
  for (let v = 0; v < K; v++) {
    const c = COS[v]!;
    for (let u = 0; u < K; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rows[y * K + u]! * c[y]!;
      coeffs[v * K + u] = s;
    }
  }
  const sorted = Array.from(coeffs).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  let bits = 0n;
  for (let i = 0; i < K * K; i++) bits = (bits << 1n) | (coeffs[i]! > median ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}
