// The coordinator of a distributed run (docs/scale-out.md "Distributed runs"): it ingests the batch, resolves the
// attachments and answers duplicates from its own image index, owns the SQLite store and the export, and puts the
// batch on a BullMQ flow: one parent job (in a queue of its own, processed here) whose children are chunks of
// submissions on the shared chunk queue. It commits each result as its worker reports it and, when the parent
// runs (every chunk settled), sweeps the checkpoint for anything an event did not bring.
import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';
import type { SubmissionResult } from '../../shared/domain';
import { createAttachmentResolver } from '../batch/attachments/attachments';
import { readBatch } from '../batch/ingest/ingest';
import { RunError, openRun, type RunOutcome, type RunnerDeps, type StartRunOptions } from '../batch/runner';
import { BatchTracker } from '../batch/batch-tracker';
import type { RunRecord } from '../store/runs';
import { Checkpoint } from './checkpoint';
import { liveInstances, newInstanceId, providerShares, startHeartbeat } from './instances';
import { duplicatesPass } from './photo-pass';
import { CHUNK_QUEUE, DEFAULT_CHUNK_SIZE, parentQueue, type ChunkData, type ChunkProgress, type ChunkReply } from './protocol';
import { openRedis, redisOptions } from './redis';

export interface DistributedOptions {
  redisUrl: URL;
  chunkSize?: number;
  /** Deliveries of one chunk before it counts as failed (its rows stay unfinished and resumable). */
  attempts?: number;
}

/** The part of a BatchRun the CLI drives. */
export interface DistributedRun {
  readonly run: RunRecord;
  readonly runId: number;
  readonly tracker: BatchTracker;
  readonly done: Promise<RunOutcome>;
  cancel(): void;
}

export async function startDistributedRun(
  deps: RunnerDeps,
  opts: StartRunOptions,
  dist: DistributedOptions,
  onResult?: (r: SubmissionResult) => void,
): Promise<DistributedRun> {
  if (opts.kind === 'review') throw new RunError('--rerun-undetermined runs on one machine: leave out --distributed');
  const redis = await openRedis(dist.redisUrl); // fails before a run is created when Redis is not there
  const { engine, store, clock } = deps;
  let run: RunRecord;
  try {
    run = await openRun(deps, opts);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const contents = await readBatch(run.batchPath);
  const finished = store.finishedIds(run.id);
  const todo = contents.submissions
    .map((submission, i) => ({ submission, cells: contents.rows[i] ?? [] }))
    .filter(({ submission }) => !finished.has(submission.id));
  const cellsOf = new Map(todo.map((t) => [t.submission.id, t.cells]));

  let workers = 0;
  const tracker = new BatchTracker(clock, {
    runId: String(run.id),
    total: todo.length,
    budget: engine.config.maxCallsPerSubmission,
    workers: () => workers,
  });
  deps.aggregator.setBatch(tracker);
  store.setRunState(run.id, 'running');

  const resolver = run.attachmentsRoot
    ? await createAttachmentResolver(run.attachmentsRoot, { allowUrlDownloads: engine.config.allowUrlDownloads })
    : null;
  const duplicates = await duplicatesPass(
    { store, runId: run.id, resolver, phashThreshold: engine.config.phashThreshold },
    todo.map((t) => t.submission),
  );

  const runKey = `${run.id}-${randomBytes(6).toString('hex')}`;
  const checkpoint = new Checkpoint(redis, runKey);
  const committed = new Set<string>();
  const failures: string[] = [];

  async function commit(id: string): Promise<void> {
    if (committed.has(id) || !cellsOf.has(id)) return;
    committed.add(id); // claimed before the await: a progress event and the sweep may race for the same id
    const result = await checkpoint.get(id);
    if (!result) return void committed.delete(id);
    try {
      store.saveResult(run.id, result, cellsOf.get(id) ?? []);
    } catch (err) {
      committed.delete(id);
      failures.push(`${id}: ${(err as Error).message}`);
      return;
    }
    tracker.addCalls(result.callsUsed); // made on a worker: the progress line counts them with their result
    const cacheHits = new Set(result.rules.filter((r) => r.source === 'cache').map((r) => r.category)).size;
    engine.events.emit({
      type: 'submission_finished',
      at: clock.now(),
      submissionId: id,
      status: result.status,
      score: result.score,
      callsUsed: result.callsUsed,
      cacheHits,
    });
    onResult?.(result);
  }

  const size = Math.max(1, dist.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const chunks: ChunkData[] = [];
  for (let i = 0; i < todo.length; i += size) {
    const items = todo.slice(i, i + size).map((t) => ({ submission: t.submission, duplicates: duplicates.get(t.submission.id) ?? [] }));
    chunks.push({ runKey, runId: run.id, rules: run.rules, threshold: run.config.acceptanceThreshold, attachmentsRoot: run.attachmentsRoot, items });
  }

  const events = new QueueEvents(CHUNK_QUEUE, { connection: redisOptions(dist.redisUrl) });
  events.on('progress', ({ data }) => {
    const p = data as Partial<ChunkProgress>;
    if (p?.runKey === runKey && typeof p.submissionId === 'string') void commit(p.submissionId);
  });
  events.on('completed', ({ returnvalue }) => {
    const r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as Partial<ChunkReply> | null;
    if (r?.runKey === runKey) for (const id of [...(r.done ?? []), ...(r.skipped ?? [])]) void commit(id);
  });
  events.on('error', () => {});
  await events.waitUntilReady();

  let settle: (why: 'finished' | 'cancelled') => void = () => {};
  const settled = new Promise<'finished' | 'cancelled'>((resolve) => (settle = resolve));
  // The parent runs once every chunk has completed or failed for good (ignoreDependencyOnFailure), so it is the "all done" signal.
  const parent = new Worker(
    parentQueue(runKey),
    async () => {
      settle('finished');
      return { runKey };
    },
    { connection: redisOptions(dist.redisUrl) },
  );
  parent.on('error', () => {});

  const coordinatorId = newInstanceId('coordinator');
  const heartbeat = startHeartbeat(
    redis,
    clock,
    coordinatorId,
    () => ({ active: 1, finished: committed.size, providers: providerShares(engine.providerSnapshots()) }),
    'coordinator',
  );
  let stopWatch: (() => void) | null = null;
  const watchWorkers = () => {
    void liveInstances(redis)
      .then((live) => (workers = live.filter((i) => i.role === 'worker').length))
      .catch(() => {})
      .finally(() => (stopWatch = clock.setTimer(2_000, watchWorkers, { background: true })));
  };
  watchWorkers();

  const flow = new FlowProducer({ connection: redisOptions(dist.redisUrl) });
  const childOpts = {
    attempts: dist.attempts ?? 5,
    backoff: { type: 'exponential', delay: 1_000 },
    ignoreDependencyOnFailure: true,
    removeOnComplete: 1_000,
    removeOnFail: 1_000,
  };
  const tree = await flow.add({
    name: 'run',
    queueName: parentQueue(runKey),
    data: { runKey, runId: run.id, batch: run.batchName },
    children: chunks.map((data, i) => ({ name: `chunk-${i + 1}`, queueName: CHUNK_QUEUE, data, opts: childOpts })),
  });
  if (chunks.length === 0) settle('finished');

  let cancelled = false;
  const done = settled.then(async (): Promise<RunOutcome> => {
    stopWatch?.();
    // The sweep: whatever the events did not bring (a coordinator that missed them, chunks still running at a cancel).
    for (const id of (await checkpoint.all()).keys()) await commit(id);
    const complete = committed.size === todo.length && failures.length === 0;
    const final: RunOutcome['state'] = complete ? 'finished' : cancelled ? 'cancelled' : 'interrupted';
    const missing = todo.filter((t) => !committed.has(t.submission.id)).map((t) => `${t.submission.id}: no result from the fleet`);
    if (final !== 'interrupted') store.setRunState(run.id, final);
    else store.setRunState(run.id, 'paused');
    tracker.setState(final === 'interrupted' ? 'paused' : final);
    await Promise.all([parent.close(), events.close(), flow.close(), heartbeat.stop()]);
    if (final === 'finished') await checkpoint.clear();
    const parents = new Queue(parentQueue(runKey), { connection: redisOptions(dist.redisUrl) });
    await parents.obliterate({ force: true }).catch(() => {}); // the run's own queue: nothing else uses it
    await parents.close();
    redis.disconnect();
    return {
      runId: run.id,
      state: final,
      evaluated: committed.size,
      failures: final === 'interrupted' ? [...failures, ...(failures.length ? [] : missing)] : failures,
      storage: null,
    };
  });

  return {
    run,
    runId: run.id,
    tracker,
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      tracker.setState('cancelling');
      // Chunks not yet taken are withdrawn; chunks in flight finish on their workers and stay in the checkpoint for a resume.
      void Promise.all((tree.children ?? []).map((c) => c.job.remove().catch(() => {}))).finally(() => settle('cancelled'));
    },
  };
}
