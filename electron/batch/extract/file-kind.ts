// What a file really is, from its first bytes: a ".jpg" that is really a PDF must not reach the image
// decoder, nor a ".pdf" that is really a photo the PDF reader.
export type FileKind = 'pdf' | 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'heif' | 'avif' | 'bmp' | 'zip' | 'unknown';

export const IMAGE_KINDS: ReadonlySet<FileKind> = new Set(['jpeg', 'png', 'gif', 'webp', 'tiff', 'heif', 'avif']);

const KIND_NAMES: Record<FileKind, string> = {
  pdf: 'a PDF document',
  jpeg: 'a JPEG image',
  png: 'a PNG image',
  gif: 'a GIF image',
  webp: 'a WebP image',
  tiff: 'a TIFF image',
  heif: 'a HEIF image',
  avif: 'an AVIF image',
  bmp: 'a BMP image',
  zip: 'a ZIP archive (or an Office document)',
  unknown: 'of an unrecognised type',
};

export function describeKind(kind: FileKind): string {
  return KIND_NAMES[kind];
}

const ascii = (b: Uint8Array, at: number, s: string) => s.split('').every((ch, i) => b[at + i] === ch.charCodeAt(0));

export function sniffKind(b: Uint8Array): FileKind {
  // PDF readers accept "%PDF-" anywhere in the first KiB (some generators prepend junk).
  if (ascii(b, 0, '%PDF-') || Buffer.from(b.subarray(0, 1024)).includes('%PDF-')) return 'pdf';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')) return 'tiff';
  if (ascii(b, 4, 'ftyp')) {
    const brand = Buffer.from(b.subarray(8, 12)).toString('latin1');
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'heim', 'heis', 'hevc'].includes(brand)) return 'heif';
  }
  if (ascii(b, 0, 'BM')) return 'bmp';
  if (ascii(b, 0, 'PK\x03\x04')) return 'zip';
  return 'unknown';
}
