// `event-validator worker [--attachments DIR] [--db FILE] [--concurrency N] [--lock-ms N] [--claim-ms N]`: a headless
// fleet worker
// (docs/scale-out.md "Distributed runs"). It takes chunks of any coordinator's batch from Redis (REDIS_URL) until
// SIGINT/SIGTERM; its --db holds only its own response cache and settings, never a run's results.
import { resolve } from 'node:path';
import { ConfigError } from '../../shared/config';
import { openAppContext } from '../app/context';
import { startFleetWorker } from '../distributed/chunk-worker';
import { openRedis } from '../distributed/redis';
import { describeRedis, redisUrlFrom } from '../redis-url';
import { numberIn, parseArgs, reportArgs, value, type CommandSpec, type Flag, type Values } from './args';
import { simulatedBanner } from './progress';

export const WORKER = {
  command: 'worker',
  summary: 'A headless fleet worker for validate --distributed: takes chunks from Redis (REDIS_URL) until SIGINT/SIGTERM.',
  prefix: 'worker: ',
  flags: {
    attachments: value('--attachments', 'DIR', "the shared attachments folder as mounted here (default: the coordinator's path)", {
      parse: (v) => resolve(v),
    }),
    db: value('--db', 'FILE', "holds only this worker's response cache and settings", { parse: (v) => resolve(v) }),
    concurrency: value('--concurrency', 'N', 'submissions evaluated at once', {
      parse: numberIn((n) => Number.isInteger(n) && n >= 1 && n <= 64, 'a whole number 1–64'),
      default: 2,
    }),
    // Below 1 s a busy event loop could lose the lock of a healthy worker.
    lockMs: value('--lock-ms', 'N', 'how long a taken chunk stays locked to this worker without a renewal (ms)', {
      parse: numberIn((n) => Number.isInteger(n) && n >= 1_000, 'a whole number ≥ 1000'),
      default: 30_000,
    }),
    // Renewed every third of it: below 1 s the same busy event loop would lose it.
    claimMs: value('--claim-ms', 'N', "the lease of a submission's claim (ms; default twice --lock-ms)", {
      parse: numberIn((n) => Number.isInteger(n) && n >= 1_000, 'a whole number ≥ 1000'),
    }),
  },
  notes: ['', 'needs REDIS_URL'],
} satisfies CommandSpec<Record<string, Flag>>;

export function parseWorkerArgs(argv: string[]): Values<typeof WORKER.flags> | string {
  const parsed = parseArgs(WORKER, argv);
  return typeof parsed === 'string' ? parsed : parsed.values;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseWorkerArgs(argv);
  if (typeof args === 'string') return reportArgs(WORKER, args);
  let redisUrl: URL;
  try {
    redisUrl = redisUrlFrom(process.env);
  } catch (e) {
    console.error(`event-validator worker: ${(e as Error).message}`);
    return 2;
  }
  try {
    (await openRedis(redisUrl)).disconnect(); // unreachable: say so now, not on the first chunk
  } catch (e) {
    console.error(`event-validator worker: ${(e as Error).message}`);
    return 1;
  }
  let ctx;
  try {
    ctx = await openAppContext(args.db ? { dbFile: args.db } : {});
  } catch (e) {
    console.error(`event-validator worker: ${(e as Error).message}`);
    return e instanceof ConfigError ? 2 : 1;
  }
  if (ctx.simulated) console.error(simulatedBanner());
  const worker = await startFleetWorker({
    ctx,
    redisUrl,
    attachments: args.attachments ?? null,
    concurrency: args.concurrency,
    lockMs: args.lockMs,
    claimMs: args.claimMs ?? 2 * args.lockMs,
  });
  console.error(`worker ${worker.id} taking chunks from Redis at ${describeRedis(redisUrl)}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await worker.close();
  console.error(`worker ${worker.id} stopped after ${worker.finished()} submissions`);
  await ctx.close();
  return 0;
}
