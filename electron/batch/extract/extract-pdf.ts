// PDF facts for the PDF rules (docs/domain.md §4–5): the text layer (null for a scanned, image-only report),
// the page count and a title (the metadata Title, else the first line of text). Uses the pdfjs-dist
// legacy build, which runs in plain Node; its "fake worker" parses on the calling thread.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { failure, type ExtractFailure } from './extract-failure';
import { describeKind, sniffKind } from './file-kind';
import { readCapped } from './read-capped';

export interface PdfFacts {
  ok: true;
  /** The original bytes (Gemini reads the PDF itself). */
  bytes: Buffer;
  sha256: string;
  pages: number;
  /** The text layer of the first `maxPages` pages; null when there is none (a scanned report). */
  text: string | null;
  title: string | null;
  titleSource: 'metadata' | 'first_line' | null;
}

export interface PdfOptions {
  maxBytes?: number;
  /** Pages read for text; a 500-page annex adds nothing to the rules but time. */
  maxPages?: number;
  maxTextChars?: number;
}

export const DEFAULT_PDF_MAX_BYTES = 50 * 1024 * 1024;
const DEFAULT_MAX_PAGES = 50;
const DEFAULT_MAX_TEXT_CHARS = 200_000;

GlobalWorkerOptions.workerSrc = pathToFileURL(createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs')).href;

export async function extractPdf(file: string, opts: PdfOptions = {}): Promise<PdfFacts | ExtractFailure> {
  const read = await readCapped(file, opts.maxBytes ?? DEFAULT_PDF_MAX_BYTES);
  if (!read.ok) return read;
  const kind = sniffKind(read.bytes);
  if (kind !== 'pdf') return failure('mislabelled', `the file is not a PDF: it is ${describeKind(kind)}`);

  // pdfjs takes ownership of (detaches) the buffer it is given, so it gets a copy.
  const task = getDocument({
    data: new Uint8Array(read.bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    const doc = await task.promise;
    const info = (await doc.getMetadata().catch(() => null))?.info as { Title?: unknown } | undefined;
    const text = await readText(doc, opts.maxPages ?? DEFAULT_MAX_PAGES, opts.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
    const metaTitle = typeof info?.Title === 'string' ? info.Title.trim() : '';
    const firstLine =
      text
        ?.split('\n')
        .find((l) => l.trim() !== '')
        ?.trim() ?? '';
    return {
      ok: true,
      bytes: read.bytes,
      sha256: createHash('sha256').update(read.bytes).digest('hex'),
      pages: doc.numPages,
      text,
      title: metaTitle || firstLine || null,
      titleSource: metaTitle ? 'metadata' : firstLine ? 'first_line' : null,
    };
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PasswordException') return failure('encrypted', 'the PDF is password-protected and cannot be read');
    if (e.name === 'InvalidPDFException') return failure('corrupt', 'the PDF is corrupt: it has no readable document structure');
    return failure('corrupt', `the PDF could not be read: ${e.message}`);
  } finally {
    await task.destroy();
  }
}

type PdfDocument = Awaited<ReturnType<typeof getDocument>['promise']>;

async function readText(doc: PdfDocument, maxPages: number, maxChars: number): Promise<string | null> {
  const parts: string[] = [];
  let length = 0;
  for (let p = 1; p <= Math.min(doc.numPages, maxPages) && length < maxChars; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    let line = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        parts.push(line);
        length += line.length + 1;
        line = '';
      }
    }
    if (line) parts.push(line);
    page.cleanup();
  }
  const text = parts.join('\n').slice(0, maxChars).trim();
  return text === '' ? null : text;
}
