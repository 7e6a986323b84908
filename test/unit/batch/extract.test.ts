// The extractors give facts or a clear reason, never a throw that would stop the batch.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPdf } from '../../../electron/batch/extract/extract-pdf';
import { prepareImage } from '../../../electron/batch/extract/extract-image';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'extract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, bytes);
  return p;
}

async function textPdf(lines: string[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 12, font }));
  doc.addPage([595, 842]);
  return doc.save();
}

/** A PDF whose standard security handler has a user password we don't know. */
function encryptedPdf(): string {
  const hex32 = 'A1'.repeat(32);
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${'B2'.repeat(32)}> /P -4 >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'C3'.repeat(16)}> <${'C3'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

/** A PNG header claiming w×h pixels, with a token IDAT: a decompression bomb's shape, without the bomb. */
function pngHeader(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('extractPdf', () => {
  it('reads text, page count and the metadata title', async () => {
    const p = await file(
      'report.pdf',
      await textPdf(['Workshop on Patent Filing', 'Resource person: Dr. A. Rao', 'Participants: 64 students'], 'IPR Workshop Report'),
    );
    const r = await extractPdf(p);
    if (!r.ok) throw new Error(r.reason);
    expect(r.pages).toBe(2);
    expect(r.title).toBe('IPR Workshop Report');
    expect(r.titleSource).toBe('metadata');
    expect(r.text).toContain('Resource person: Dr. A. Rao');
    expect(r.text).toContain('Participants: 64 students');
    expect(r.sha256).toBe(createHash('sha256').update(r.bytes).digest('hex'));
  });

  it('falls back to the first line of text for the title', async () => {
    const r = await extractPdf(await file('untitled.pdf', await textPdf(['Startup Bootcamp 2025', 'Day one'])));
    expect(r).toMatchObject({ ok: true, title: 'Startup Bootcamp 2025', titleSource: 'first_line' });
  });

  it('a scanned report (an image, no text layer) has text null', async () => {
    const doc = await PDFDocument.create();
    const jpg = await sharp({ create: { width: 200, height: 280, channels: 3, background: '#ddd' } })
      .jpeg()
      .toBuffer();
    const img = await doc.embedJpg(jpg);
    doc.addPage([200, 280]).drawImage(img, { x: 0, y: 0, width: 200, height: 280 });
    const r = await extractPdf(await file('scanned.pdf', await doc.save()));
    expect(r).toMatchObject({ ok: true, pages: 1, text: null, title: null });
  });

  const failures: [string, () => Promise<Uint8Array | string>, string, RegExp][] = [
    ['encrypted', async () => encryptedPdf(), 'encrypted', /password-protected/],
    ['corrupt', async () => '%PDF-1.7\n1 0 obj << garbage', 'corrupt', /corrupt|could not be read/],
    ['zero bytes', async () => '', 'empty', /empty \(0 bytes\)/],
    [
      'a JPEG named .pdf',
      () =>
        sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
          .jpeg()
          .toBuffer(),
      'mislabelled',
      /not a PDF: it is a JPEG image/,
    ],
  ];
  for (const [name, make, code, reason] of failures) {
    it(`${name}: ${code}`, async () => {
      const r = await extractPdf(await file(`${code}.pdf`, await make()));
      expect(r).toMatchObject({ ok: false, code });
      expect(r.ok ? '' : r.reason).toMatch(reason);
    });
  }

  it('a file over the size cap is refused from its size', async () => {
    const p = await file('huge.pdf', await textPdf(['x']));
    expect(await extractPdf(p, { maxBytes: 100 })).toMatchObject({
      ok: false,
      code: 'too_large',
      reason: expect.stringMatching(/over the 0\.0 MB limit/),
    });
  });

  it('a missing file', async () => {
    expect(await extractPdf(path.join(dir, 'nope.pdf'))).toMatchObject({ ok: false, code: 'missing' });
  });
});

describe('prepareImage', () => {
  it('downscales to at most 1024 px, hashes the original bytes, and reads EXIF GPS', async () => {
    const bytes = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#3a6' } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '12/1 58/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '77/1 35/1 0/1' } })
      .toBuffer();
    const r = await prepareImage(await file('photo.jpg', bytes));
    if (!r.ok) throw new Error(r.reason);
    expect([r.width, r.height]).toEqual([2400, 1600]);
    const out = await sharp(r.jpeg).metadata();
    expect([out.format, out.width, out.height]).toEqual(['jpeg', 1024, 683]);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(r.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.gps?.latitude).toBeCloseTo(12.9667, 3);
    expect(r.gps?.longitude).toBeCloseTo(77.5833, 3);
  });

  it('a PNG without EXIF: no GPS, not enlarged', async () => {
    const r = await prepareImage(
      await file(
        'small.png',
        await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123' } })
          .png()
          .toBuffer(),
      ),
    );
    expect(r).toMatchObject({ ok: true, width: 300, height: 200, gps: null });
    expect((await sharp((r as { jpeg: Buffer }).jpeg).metadata()).width).toBe(300);
  });

  it('a decompression bomb (30000×30000 declared) is refused from its header', async () => {
    const r = await prepareImage(await file('bomb.png', pngHeader(30_000, 30_000)));
    expect(r).toMatchObject({ ok: false, code: 'too_many_pixels' });
    expect(r.ok ? '' : r.reason).toMatch(/30000×30000 pixels, over the 120000000-pixel limit/);
  });

  it('the pixel cap is an option', async () => {
    const p = await file(
      '2mp.png',
      await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    expect(await prepareImage(p, { maxPixels: 1_000_000 })).toMatchObject({ ok: false, code: 'too_many_pixels' });
  });

  it('a truncated JPEG is corrupt', async () => {
    const bytes = await sharp({
      create: { width: 400, height: 400, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg()
      .toBuffer();
    const r = await prepareImage(await file('cut.jpg', bytes.subarray(0, bytes.length / 2)));
    expect(r).toMatchObject({ ok: false, code: 'corrupt', reason: expect.stringMatching(/could not be decoded/) });
  });

  it('a .jpg that is really a PDF is mislabelled', async () => {
    const r = await prepareImage(await file('fake.jpg', await textPdf(['x'])));
    expect(r).toMatchObject({ ok: false, code: 'mislabelled', reason: 'the file is not a usable photo: it is a PDF document' });
  });

  it('zero bytes, too large, missing', async () => {
    expect(await prepareImage(await file('zero.jpg', ''))).toMatchObject({ ok: false, code: 'empty' });
    expect(await prepareImage(await file('big.jpg', Buffer.alloc(5000, 1)), { maxBytes: 4096 })).toMatchObject({ ok: false, code: 'too_large' });
    expect(await prepareImage(path.join(dir, 'gone.jpg'))).toMatchObject({ ok: false, code: 'missing' });
  });
});
