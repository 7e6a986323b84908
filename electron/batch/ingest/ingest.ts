// The ingest API (docs/domain.md §1): preview a batch file, or read it whole for a run. Both parse in a
// worker thread, so the main thread (Electron main, the web host, the CLI progress line) stays responsive.
import { Worker } from 'node:worker_threads';
import type { BatchEncoding, BatchFormat, BatchPreview, BatchProblem, BatchRefusalCode } from '../../../shared/batch';
import type { Submission } from '../../../shared/domain';
import type { AttachmentOptions } from '../attachments/attachments';
import { BatchFileError } from './batch-file-error';
import { refusedPreview } from './preview';
import type { IngestReply, IngestRequest } from './ingest-worker';

export interface PreviewOptions {
  /** When given, every report and photo path is looked up there and counted. */
  attachmentsRoot?: string | null;
  attachmentOptions?: AttachmentOptions;
}

export interface BatchContents {
  format: BatchFormat;
  encoding: BatchEncoding;
  /** The header as read, for export in the original column order. */
  columns: string[];
  /** The original cells of each data row; rows[i] belongs to submissions[i]. */
  rows: string[][];
  submissions: Submission[];
  problems: BatchProblem[];
}

/** The preview of a file; a refused file comes back with `refusal` set rather than as a throw. */
export async function previewBatch(file: string, opts: PreviewOptions = {}): Promise<BatchPreview> {
  try {
    return (await inWorker({
      op: 'preview',
      file,
      attachmentsRoot: opts.attachmentsRoot ?? null,
      attachmentOptions: opts.attachmentOptions ?? {},
    })) as BatchPreview;
  } catch (err) {
    if (err instanceof BatchFileError) return refusedPreview(file, err);
    throw err;
  }
}

/** Everything a run needs from the file. Throws BatchFileError when the file must not run. */
export async function readBatch(file: string): Promise<BatchContents> {
  return (await inWorker({ op: 'read', file })) as BatchContents;
}

const ENTRY = new URL('./ingest-worker-entry.mjs', import.meta.url);
// Workers inherit the parent's node flags; --input-type (from `node --input-type=module -e …`) would make
// Node refuse the worker's file entry, and the entry registers its own loader anyway.
const WORKER_EXEC_ARGV = process.execArgv.filter((a) => !a.startsWith('--input-type'));
/** The ingest caps keep a batch far below this; past it the worker dies alone, never the app. */
const WORKER_HEAP_MB = 2048;

function inWorker(req: IngestRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: req, execArgv: WORKER_EXEC_ARGV, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let settled = false;
    worker.once('message', (reply: IngestReply) => {
      settled = true;
      if (reply.ok) resolve(reply.value);
      else reject(reply.code ? new BatchFileError(reply.code as BatchRefusalCode, reply.message) : new Error(reply.message));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(
        oom
          ? new BatchFileError('too_large', 'The file is too large to read: its contents ran out of the memory set aside for reading a batch.')
          : err,
      );
    });
    worker.once('exit', (code) => {
      // A parser that stalls on a damaged file leaves the worker with nothing to do, and it exits unanswered.
      if (!settled)
        reject(
          new BatchFileError(
            'unreadable',
            `The file could not be read: its parser stopped without finishing (exit code ${code}); the file is probably damaged.`,
          ),
        );
    });
  });
}
