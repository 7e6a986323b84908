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
import { simulatedBanner } from './progress';

const USAGE = `usage: event-validator worker [--attachments DIR] [--db FILE] [--concurrency N] [--lock-ms N] [--claim-ms N]
  needs REDIS_URL; --attachments is the shared attachments folder as mounted here (default: the coordinator's path);
  --claim-ms is the lease of a submission's claim (default twice --lock-ms)`;

interface Args {
  attachments: string | null;
  db: string | null;
  concurrency: number;
  lockMs: number;
  /** Null: twice the lock. */
  claimMs: number | null;
}

export function parseWorkerArgs(argv: string[]): Args | string {
  const a: Args = { attachments: null, db: null, concurrency: 2, lockMs: 30_000, claimMs: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--help' || flag === '-h') return USAGE;
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) return `worker: ${flag} needs a value\n${USAGE}`;
    const n = Number(v);
    switch (flag) {
      case '--attachments':
        a.attachments = resolve(v);
        break;
      case '--db':
        a.db = resolve(v);
        break;
      case '--concurrency':
        if (!Number.isInteger(n) || n < 1 || n > 64) return `worker: --concurrency must be a whole number 1–64, got "${v}"`;
        a.concurrency = n;
        break;
      case '--lock-ms':
        // Below 1 s a busy event loop could lose the lock of a healthy worker.
        if (!Number.isInteger(n) || n < 1_000) return `worker: --lock-ms must be a whole number ≥ 1000, got "${v}"`;
        a.lockMs = n;
        break;
      case '--claim-ms':
        // Renewed every third of it: below 1 s the same busy event loop would lose it.
        if (!Number.isInteger(n) || n < 1_000) return `worker: --claim-ms must be a whole number ≥ 1000, got "${v}"`;
        a.claimMs = n;
        break;
      default:
        return `worker: unknown option "${flag}"\n${USAGE}`;
    }
  }
  return a;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseWorkerArgs(argv);
  if (typeof args === 'string') {
    (args === USAGE ? console.log : console.error)(args);
    return args === USAGE ? 0 : 2;
  }
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
    attachments: args.attachments,
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
