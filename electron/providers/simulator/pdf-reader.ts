// The simulator reads an inline PDF the way Gemini does: its text and page count, so the heuristic judge can answer
// the PDF call and the token count can charge 258 per page. pdfjs' legacy build runs in plain Node.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

if (!GlobalWorkerOptions.workerSrc) {
  GlobalWorkerOptions.workerSrc = pathToFileURL(createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs')).href;
}

export async function readPdf(bytes: Uint8Array): Promise<{ text: string | null; pages: number }> {
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  try {
    const doc = await task.promise;
    const lines: string[] = [];
    for (let p = 1; p <= Math.min(doc.numPages, 20); p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      lines.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
      page.cleanup();
    }
    const text = lines.join('\n').trim();
    return { text: text || null, pages: doc.numPages };
  } catch {
    return { text: null, pages: 1 };
  } finally {
    await task.destroy();
  }
}
