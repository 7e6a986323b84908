// A fleet worker (docs/scale-out.md "Distributed runs"): takes chunks from the BullMQ chunk queue and evaluates
// them with its own engine (quota through the shared store when REDIS_URL is set). BullMQ delivers at least
// once, so every submission is checkpointed on its own and a redelivered chunk skips what is finished.
// Workers never touch the coordinator's SQLite: results go to the checkpoint, the coordinator commits them.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppContext } from '../app/context';
import { createAttachmentResolver, type AttachmentResolver } from '../batch/attachments/attachments';
import { evaluateSubmission, type EvaluationContext, type EvaluationStore } from '../batch/evaluate';
import { RowBarrier } from '../batch/row-barrier';
import { WorkerPool } from '../engine/pool';
import { Checkpoint } from './checkpoint';
import { SubmissionClaims } from './claim';
import { startHeartbeat, newInstanceId, providerShares, type Heartbeat } from './instances';
import { CHUNK_QUEUE, type ChunkData, type ChunkProgress, type ChunkReply } from './protocol';
import { connectRedis, redisOptions } from './redis';

export interface FleetWorkerOptions {
  ctx: AppContext;
  redisUrl: URL;
  /** The shared attachments folder as this machine mounts it; default the coordinator's path. */
  attachments: string | null;
  /** Chunks at once; the engine's worker target is split between them. */
  concurrency: number;
  /** BullMQ lock: a killed worker's chunk is redelivered once its lock lapses and a stall check runs. */
  lockMs: number;
  /**
   * Lease of a submission's claim, longer than the lock: a worker that stalls past its lock only (its chunk goes to a
   * second worker) keeps its claims and finishes them; one suspended past a claim makes no further call for it.
   */
  claimMs: number;
}

/** A provider pause longer than this parks the worker (its chunks go to workers that can call). */
export const PARK_AFTER_MS = 60_000;

export interface FleetWorker {
  readonly id: string;
  readonly finished: () => number;
  close(): Promise<void>;
}

/** How long every usable provider stays paused or exhausted (0 when one can call now). */
function blockedForMs(ctx: AppContext): number {
  const now = ctx.clock.now();
  const usable = ctx.engine.providerSnapshots().filter((p) => p.hasKey && !p.misconfigured && ctx.engine.config.providerOrder.includes(p.provider));
  if (usable.length === 0) return 0;
  return Math.min(...usable.map((p) => Math.max(0, (p.pausedUntil ?? 0) - now, (p.exhaustedUntil ?? 0) - now)));
}

export async function startFleetWorker(opts: FleetWorkerOptions): Promise<FleetWorker> {
  const { ctx } = opts;
  const redis: Redis = connectRedis(opts.redisUrl);
  const id = newInstanceId('worker');
  const resolvers = new Map<string, Promise<AttachmentResolver>>();
  const resolverFor = (root: string) => {
    let r = resolvers.get(root);
    if (!r) resolvers.set(root, (r = createAttachmentResolver(root, { allowUrlDownloads: ctx.engine.config.allowUrlDownloads })));
    return r;
  };
  const aborts = new Set<AbortController>();
  let active = 0;
  let finished = 0;

  async function processChunk(job: Job<ChunkData, ChunkReply>): Promise<ChunkReply> {
    const data = job.data;
    const checkpoint = new Checkpoint(redis, data.runKey);
    const skipped = await checkpoint.finished(data.items.map((i) => i.submission.id));
    const todo = data.items.filter((i) => !skipped.has(i.submission.id));
    const blocked = blockedForMs(ctx);
    if (todo.length > 0 && blocked > PARK_AFTER_MS) {
      // Park this worker for the pause; the chunk goes back to the queue without spending an attempt.
      await worker.rateLimit(blocked);
      throw Worker.RateLimitError();
    }
    const root = opts.attachments ?? data.attachmentsRoot;
    const duplicates = new Map(data.items.map((i) => [i.submission.id, i.duplicates]));
    const store: EvaluationStore = {
      cacheGet: (key) => ctx.store.cacheGet(key),
      cachePut: (key, reply) => ctx.store.cachePut(key, reply),
      registerImages: () => {}, // the coordinator registered every row's photos before queueing
      duplicatesOf: (_run, submissionId) => duplicates.get(submissionId) ?? [],
    };
    const base: Omit<EvaluationContext, 'signal'> = {
      engine: ctx.engine,
      store,
      clock: ctx.clock,
      runId: data.runId,
      rules: data.rules,
      threshold: data.threshold,
      resolver: root ? await resolverFor(root) : null,
      barrier: new RowBarrier([]), // duplicates are answered already: no row waits for another
    };
    const pool = new WorkerPool({ clock: ctx.clock, size: () => Math.max(1, Math.ceil(ctx.engine.workerTarget() / opts.concurrency)) });
    const ac = new AbortController();
    aborts.add(ac);
    ac.signal.addEventListener('abort', () => pool.cancel(ac.signal.reason), { once: true });
    active++;
    try {
      const claims = new SubmissionClaims(redis, checkpoint, id, ctx.clock, opts.claimMs);
      const outcomes = await pool.run(todo, async (item, signal) => {
        // Another attempt of this chunk (a worker that stalled past its lock) may be evaluating it: one claim, one caller.
        const claim = await claims.take(item.submission.id, signal);
        if (!claim) return;
        try {
          const held = AbortSignal.any([signal, claim.signal]);
          const result = await evaluateSubmission({ ...base, signal: held, mayCall: claim.mayCall }, item.submission);
          await claim.commit(result);
        } finally {
          await claim.release();
        }
        finished++;
        const progress: ChunkProgress = { runKey: data.runKey, submissionId: item.submission.id };
        await job.updateProgress(progress);
      });
      const failed = outcomes.find((o) => o.status !== 'done');
      // Anything unfinished makes the attempt fail: BullMQ retries the chunk, and the retry skips what is checkpointed.
      if (failed) throw failed.status === 'failed' ? failed.error : new Error('the worker stopped before the chunk finished');
      return { runKey: data.runKey, done: todo.map((i) => i.submission.id), skipped: [...skipped] };
    } finally {
      active--;
      aborts.delete(ac);
    }
  }

  const worker: Worker<ChunkData, ChunkReply> = new Worker(CHUNK_QUEUE, processChunk, {
    connection: redisOptions(opts.redisUrl),
    concurrency: opts.concurrency,
    lockDuration: opts.lockMs,
    stalledInterval: opts.lockMs,
    // A chunk may stall a few times (killed machines); only repeated failures of its own fail it.
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('error', () => {}); // connection errors: ioredis reconnects, BullMQ resumes
  const heartbeat: Heartbeat = startHeartbeat(
    redis,
    ctx.clock,
    id,
    () => ({ active, finished, providers: providerShares(ctx.engine.providerSnapshots()) }),
    'worker',
  );
  await worker.waitUntilReady();
  return {
    id,
    finished: () => finished,
    async close() {
      for (const ac of aborts) ac.abort(new DOMException('The worker is stopping.', 'AbortError'));
      await worker.close();
      await heartbeat.stop();
      redis.disconnect();
    },
  };
}
