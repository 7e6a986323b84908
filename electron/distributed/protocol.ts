// What travels through Redis in a distributed run (docs/scale-out.md "Distributed runs"): the queue names, a
// chunk of submissions with everything a worker needs besides the shared attachments folder, and its reply.
import type { RuleDefinition, Submission } from '../../shared/domain';
import type { DuplicateMatch } from '../validation/duplicates';

/** Workers take chunks from this one queue; each coordinator has its own parent queue (its run key in the name). */
export const CHUNK_QUEUE = 'ev-chunks';
export const parentQueue = (runKey: string): string => `ev-run-${runKey}`;
/** Redis key prefix of everything the fleet writes besides BullMQ's own keys. */
export const FLEET_PREFIX = 'ev:fleet';

/** Submissions per child job: small enough to spread a batch, large enough that job overhead stays negligible. */
export const DEFAULT_CHUNK_SIZE = 25;

export interface ChunkItem {
  submission: Submission;
  /** The coordinator's image index answered for this row (row-order ownership needs one owner of the index). */
  duplicates: DuplicateMatch[];
}

export interface ChunkData {
  /** Unique per coordinator run: checkpoints are keyed by (runKey, submission). */
  runKey: string;
  /** The coordinator's run id (photo ownership refers to it). */
  runId: number;
  rules: RuleDefinition[];
  threshold: number;
  /** The coordinator's attachments root; a worker that mounts the shared folder elsewhere passes --attachments. */
  attachmentsRoot: string | null;
  items: ChunkItem[];
}

/** A chunk's return value: the ids it holds a checkpointed result for (the results themselves are in the checkpoint). */
export interface ChunkReply {
  runKey: string;
  done: string[];
  /** Finished before this attempt (a redelivered chunk): not evaluated again. */
  skipped: string[];
}

/** Sent with job.updateProgress after each finished submission, so the coordinator commits it at once. */
export interface ChunkProgress {
  runKey: string;
  submissionId: string;
}
