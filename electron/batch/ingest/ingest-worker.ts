// The ingest worker thread: parses and maps a batch file off the main thread, so a 37,000-row file never
// freezes the app. One request per worker; the reply is a plain structured-clone-able object.
import { parentPort, workerData } from 'node:worker_threads';
import type { AttachmentOptions } from '../attachments/attachments';
import { summarizeAttachments } from '../attachments/attachment-summary';
import { BatchFileError } from './batch-file-error';
import { loadBatch } from './load-batch';
import { previewOf, refusedPreview } from './preview';

export type IngestRequest =
  { op: 'preview'; file: string; attachmentsRoot: string | null; attachmentOptions: AttachmentOptions } | { op: 'read'; file: string };

export type IngestReply = { ok: true; value: unknown } | { ok: false; code: string | null; message: string };

async function handle(req: IngestRequest): Promise<IngestReply> {
  try {
    if (req.op === 'preview') {
      let loaded;
      try {
        loaded = await loadBatch(req.file);
      } catch (err) {
        if (err instanceof BatchFileError) return { ok: true, value: refusedPreview(req.file, err) };
        throw err;
      }
      const attachments = req.attachmentsRoot ? await summarizeAttachments(loaded.submissions, req.attachmentsRoot, req.attachmentOptions) : null;
      return { ok: true, value: previewOf(req.file, loaded, attachments) };
    }
    const { table, submissions, problems } = await loadBatch(req.file);
    return { ok: true, value: { format: table.format, encoding: table.encoding, columns: table.columns, rows: table.rows, submissions, problems } };
  } catch (err) {
    const e = err as Error;
    return { ok: false, code: err instanceof BatchFileError ? err.code : null, message: e.message };
  }
}

parentPort!.postMessage(await handle(workerData as IngestRequest));
