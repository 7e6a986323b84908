// Photo facts (docs/domain.md §5–6): a JPEG of at most 1024 px on the long side for the vision call, the
// SHA-256 of the original bytes (identical duplicates), the DCT pHash (similar ones), and EXIF GPS.
// The pixel cap refuses decompression bombs from the header, before any decoding.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readGps, type Gps } from './exif';
import { failure, type ExtractFailure } from './extract-failure';
import { IMAGE_KINDS, describeKind, sniffKind } from './file-kind';
import { phash } from './phash';
import { readCapped } from './read-capped';

export interface ImageFacts {
  ok: true;
  /** JPEG, at most `maxSide` px on the long side, upright (EXIF orientation applied). */
  jpeg: Buffer;
  sha256: string;
  /** 64-bit perceptual hash as 16 hex digits; compare with hammingDistance() (validation/duplicates). */
  phash: string;
  /** The original's upright size. */
  width: number;
  height: number;
  gps: Gps | null;
}

export interface ImageOptions {
  maxBytes?: number;
  maxPixels?: number;
  maxSide?: number;
}

export const DEFAULT_IMAGE_MAX_BYTES = 30 * 1024 * 1024;
/** Above the largest phone sensors (~100 MP); a bigger image is refused, not decoded. */
export const DEFAULT_IMAGE_MAX_PIXELS = 120_000_000;
const DEFAULT_MAX_SIDE = 1024;

export async function prepareImage(file: string, opts: ImageOptions = {}): Promise<ImageFacts | ExtractFailure> {
  const read = await readCapped(file, opts.maxBytes ?? DEFAULT_IMAGE_MAX_BYTES);
  if (!read.ok) return read;
  const bytes = read.bytes;
  const kind = sniffKind(bytes);
  if (!IMAGE_KINDS.has(kind)) return failure('mislabelled', `the file is not a usable photo: it is ${describeKind(kind)}`);

  const maxPixels = opts.maxPixels ?? DEFAULT_IMAGE_MAX_PIXELS;
  // failOn 'error': a truncated or damaged image is refused instead of decoded half-grey.
  const source = () => sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate();
  try {
    // metadata() reads the header only, so the size can be checked (and named) before any decoding.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) return failure('corrupt', 'the image has no size: it is corrupt');
    if (meta.width * meta.height > maxPixels) return tooManyPixels(meta.width, meta.height, maxPixels);
    const side = opts.maxSide ?? DEFAULT_MAX_SIDE;
    const [resized, hash, gps] = await Promise.all([
      source()
        .resize(side, side, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 82, mozjpeg: true })
        .toBuffer({ resolveWithObject: true }),
      phash(source()),
      readGps(bytes),
    ]);
    const swapped = (meta.orientation ?? 1) >= 5; // orientations 5–8 turn the picture by 90°
    return {
      ok: true,
      jpeg: resized.data,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      phash: hash,
      width: swapped ? meta.height : meta.width,
      height: swapped ? meta.width : meta.height,
      gps,
    };
  } catch (err) {
    const message = (err as Error).message;
    if (/pixel limit/i.test(message)) return failure('too_many_pixels', `the image is too large to decode safely (over ${maxPixels} pixels)`);
    return failure('corrupt', `the image could not be decoded: ${message.split('\n')[0]}`);
  }
}

function tooManyPixels(w: number, h: number, max: number): ExtractFailure {
  return failure('too_many_pixels', `the image is ${w}×${h} pixels, over the ${max}-pixel limit (a possible decompression bomb)`);
}
