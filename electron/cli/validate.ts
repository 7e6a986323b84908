// `event-validator validate BATCH --attachments DIR [--out FILE] [--db FILE] [--threshold N] [--resume [RUN]] [--json]`,
// or `validate --rerun-undetermined RUN [--db FILE] [--out FILE]` (re-evaluate only that run's Review rows):
// the headless main job. A live progress line on a terminal, a plain log otherwise, JSON lines with --json.
// Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted (resumable).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../shared/config';
import type { SubmissionResult } from '../../shared/domain';
import type { Snapshot } from '../../shared/telemetry';
import { openAppContext, type AppContext } from '../app/context';
import { BatchFileError } from '../batch/ingest/batch-file-error';
import { exportRun } from '../batch/export/export';
import { checkExportTarget, ExportTargetError, partialSibling, type ExportTarget } from '../batch/export/export-target';
import { RunError, fileSha256, startRun, type BatchRun, type StartRunOptions } from '../batch/runner';
import { RunLockedError } from '../store/run-lock';
import { StorageError } from '../store/storage-fault';
import { startDistributedRun, type DistributedRun } from '../distributed/coordinator';
import { redisUrlFrom } from '../redis-url';
import { trackRun } from '../planner/track-run';
import { progressLine, simulatedBanner } from './progress';

export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 3 } as const;

const USAGE = `usage: event-validator validate BATCH.csv|xlsx --attachments DIR [--out results.csv|xlsx] [--db FILE]
                               [--threshold N] [--resume [RUN]] [--json] [--distributed [--chunk-size N]]
       event-validator validate --rerun-undetermined RUN [--db FILE] [--out FILE] [--json]`;

interface Args {
  batch: string | null;
  attachments: string | null;
  out: string | null;
  db: string | null;
  threshold: number | undefined;
  /** undefined: a new run; null: the latest unfinished run; a number: that run. */
  resume: number | null | undefined;
  /** Re-evaluate only this run's Review rows. */
  review: number | undefined;
  json: boolean;
  /** Coordinate a fleet of workers through Redis (REDIS_URL) instead of evaluating here. */
  distributed: boolean;
  chunkSize: number | undefined;
}

export function parseValidateArgs(argv: string[]): Args | string {
  const a: Args = {
    batch: null,
    attachments: null,
    out: null,
    db: null,
    threshold: undefined,
    resume: undefined,
    review: undefined,
    json: false,
    distributed: false,
    chunkSize: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case '--attachments':
          a.attachments = value();
          break;
        case '--out':
          a.out = value();
          break;
        case '--db':
          a.db = value();
          break;
        case '--threshold': {
          const n = Number(value());
          if (!Number.isFinite(n) || n < 0) return `--threshold must be a number ≥ 0`;
          a.threshold = n;
          break;
        }
        case '--resume': {
          const next = argv[i + 1];
          if (next !== undefined && /^\d+$/.test(next)) {
            a.resume = Number(next);
            i++;
          } else a.resume = null;
          break;
        }
        case '--rerun-undetermined': {
          const v = value();
          if (!/^\d+$/.test(v)) return `--rerun-undetermined needs a run number, got "${v}"\n${USAGE}`;
          a.review = Number(v);
          break;
        }
        case '--json':
          a.json = true;
          break;
        case '--distributed':
          a.distributed = true;
          break;
        case '--chunk-size': {
          const n = Number(value());
          if (!Number.isInteger(n) || n < 1) return `--chunk-size must be a whole number ≥ 1`;
          a.chunkSize = n;
          break;
        }
        case '--help':
        case '-h':
          return USAGE;
        default:
          if (flag.startsWith('-')) return `unknown option "${flag}"\n${USAGE}`;
          if (a.batch !== null) return `only one batch file, got "${a.batch}" and "${flag}"`;
          a.batch = flag;
      }
    } catch (e) {
      return `${(e as Error).message}\n${USAGE}`;
    }
  }
  if (a.chunkSize !== undefined && !a.distributed) return `--chunk-size goes with --distributed\n${USAGE}`;
  if (a.review !== undefined) {
    if (a.resume !== undefined || a.batch !== null) return `--rerun-undetermined takes neither a batch file nor --resume\n${USAGE}`;
    return a;
  }
  if (a.resume === undefined && a.batch === null) return `a batch file is needed\n${USAGE}`;
  return a;
}

async function runOptions(ctx: AppContext, a: Args): Promise<StartRunOptions> {
  if (a.review !== undefined) return { kind: 'review', runId: a.review };
  if (a.resume === undefined)
    return {
      kind: 'new',
      file: resolve(a.batch as string),
      attachmentsRoot: a.attachments ? resolve(a.attachments) : null,
      ...(a.threshold === undefined ? {} : { threshold: a.threshold }),
    };
  if (a.resume !== null) return { kind: 'resume', runId: a.resume };
  const latest = ctx.store.latestUnfinishedRun(a.batch ? await fileSha256(resolve(a.batch)) : undefined);
  if (!latest) throw new RunError(`nothing to resume: no unfinished run${a.batch ? ` of ${a.batch}` : ''} in ${ctx.store.file}`);
  return { kind: 'resume', runId: latest.id };
}

/** The `--out` check against the run's own inputs, before any run is created or resumed. */
async function outTarget(ctx: AppContext, a: Args, opts: StartRunOptions): Promise<ExportTarget | null> {
  if (!a.out) return null;
  const run = opts.kind === 'new' ? null : ctx.store.getRun(opts.runId);
  const batchFile = opts.kind === 'new' ? opts.file : (run?.batchPath ?? null);
  const attachmentsRoot = opts.kind === 'new' ? opts.attachmentsRoot : (run?.attachmentsRoot ?? null);
  return checkExportTarget(a.out, { batchFile, attachmentsRoot });
}

interface Written {
  file: string;
  rows: number;
  total: number;
  /** The file left in place at `--out` because this export is partial. */
  kept: string | null;
}

/**
 * Write the export; a partial one (cancelled run) never replaces a file already at `--out`, which may be an
 * earlier complete export: it goes beside it instead, and the message says so.
 */
async function writeOut(ctx: AppContext, runId: number, target: ExportTarget): Promise<Written> {
  const run = ctx.store.getRun(runId);
  const partial = ctx.store.results(runId).length < (run?.totalRows ?? 0);
  const kept = partial && existsSync(target.file) ? target.file : null;
  const file = kept ? partialSibling(target.file) : target.file;
  const w = await exportRun(ctx.store, runId, file, target.format);
  return { file, rows: w.rows, total: w.total, kept };
}

function writtenMessage(w: Written): string {
  if (w.kept) return `kept the existing ${w.kept} (this run is unfinished); wrote its ${w.rows} of ${w.total} finished rows to ${w.file}`;
  return `wrote ${w.rows} of ${w.total} rows to ${w.file}${w.rows < w.total ? ' (unfinished run: only its finished rows)' : ''}`;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseValidateArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return args === USAGE ? EXIT.ok : EXIT.badInput;
  }
  let redisUrl: URL | null = null;
  try {
    redisUrl = args.distributed ? redisUrlFrom(process.env) : null;
  } catch (e) {
    console.error(`event-validator: ${(e as Error).message}`);
    return EXIT.badInput;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const emit = (o: object) => out(JSON.stringify(o));
  let ctx: AppContext;
  try {
    ctx = await openAppContext(args.db ? { dbFile: resolve(args.db) } : {});
  } catch (e) {
    console.error(`event-validator: ${(e as Error).message}`);
    return e instanceof ConfigError || e instanceof StorageError ? EXIT.badInput : EXIT.failed;
  }
  if (ctx.simulated) console.error(simulatedBanner());

  let run: BatchRun | DistributedRun | null = null;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    run?.cancel();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tty = process.stderr.isTTY && !args.json;
  let lastLog = 0;
  const stopSnapshots = ctx.onSnapshot((s: Snapshot) => {
    if (args.json)
      return emit({
        type: 'progress',
        at: s.at,
        batch: s.batch,
        providers: s.providers.map((p) => ({
          provider: p.provider,
          state: p.breaker.state,
          rpm: p.rpm,
          rpmLimit: p.rpmLimit,
          inFlight: p.inFlight,
          http429Last5m: p.http429Last5m,
        })),
      });
    if (tty) return void process.stderr.write(`\r${progressLine(s, process.stderr.columns ?? 120)}`);
    if (s.at - lastLog >= 5_000) {
      lastLog = s.at;
      console.error(progressLine(s, Number.POSITIVE_INFINITY));
    }
  });
  const stopEvents = ctx.engine.events.on((e) => {
    if (e.type === 'breaker_transition') {
      if (args.json) emit({ ...e, type: 'breaker' });
      else console.error(`${tty ? '\n' : ''}${e.provider} breaker ${e.from} → ${e.to}: ${e.cause}`);
    }
  });

  try {
    const opts = await runOptions(ctx, args);
    const target = await outTarget(ctx, args, opts);
    const deps = { engine: ctx.engine, store: ctx.store, clock: ctx.clock, aggregator: ctx.aggregator, simulated: ctx.simulated };
    const onResult = (r: SubmissionResult) => {
      if (args.json)
        emit({
          type: 'submission',
          submissionId: r.submissionId,
          row: r.row,
          status: r.status,
          score: r.score,
          callsUsed: r.callsUsed,
          provider: r.provider,
        });
    };
    run = redisUrl ? await startDistributedRun(deps, opts, { redisUrl, chunkSize: args.chunkSize }, onResult) : await startRun(deps, opts, onResult);
    trackRun(ctx.store, run);
    if (interrupted) run.cancel();
    if (!args.json)
      console.error(`run ${run.runId}: ${run.run.batchName}, ${run.tracker.snapshot().total} submissions to evaluate (database ${ctx.store.file})`);
    const outcome = await run.done;
    if (tty) process.stderr.write('\n');
    const summary = ctx.store.results(outcome.runId);
    const byStatus: Record<string, number> = {};
    for (const r of summary) byStatus[r.result.status] = (byStatus[r.result.status] ?? 0) + 1;
    if (outcome.storage && !args.json) console.error(`event-validator: ${outcome.storage.message}`);
    if (target && outcome.state !== 'interrupted') {
      const written = await writeOut(ctx, outcome.runId, target);
      if (args.json) emit({ type: 'export', ...written });
      else console.error(writtenMessage(written));
    }
    const resumeHint = `resume with: event-validator validate --resume ${outcome.runId}${args.db ? ` --db ${args.db}` : ''}${args.out ? ` --out ${args.out}` : ''}`;
    if (args.json) {
      const storage = outcome.storage
        ? { storage: { kind: outcome.storage.kind, file: outcome.storage.file, message: outcome.storage.message } }
        : {};
      emit({
        type: 'done',
        runId: outcome.runId,
        state: outcome.state,
        evaluated: outcome.evaluated,
        byStatus,
        failures: outcome.failures,
        simulated: ctx.simulated,
        ...storage,
      });
    } else {
      console.error(
        `run ${outcome.runId} ${outcome.state}: ${
          Object.entries(byStatus)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'no results'
        }`,
      );
      for (const f of outcome.failures) console.error(`not stored: ${f}`);
      if (outcome.state !== 'finished') console.error(resumeHint);
    }
    return outcome.state === 'finished' ? EXIT.ok : EXIT.interrupted;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    const bad =
      e instanceof BatchFileError ||
      e instanceof RunError ||
      e instanceof ExportTargetError ||
      e instanceof RunLockedError ||
      e instanceof StorageError ||
      (e as NodeJS.ErrnoException).code === 'ENOENT';
    if (args.json) emit({ type: 'error', message: (e as Error).message, badInput: bad });
    else console.error(`event-validator: ${(e as Error).message}`);
    return bad ? EXIT.badInput : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopSnapshots();
    stopEvents();
    await ctx.close();
  }
}
