// `event-validator validate BATCH --attachments DIR [--out FILE] [--db FILE] [--threshold N] [--resume [RUN]] [--json]`,
// or `validate --rerun-undetermined RUN [--db FILE] [--out FILE]` (re-evaluate only that run's Review rows):
// the headless main job. A live progress line on a terminal, a plain log otherwise, JSON lines with --json.
// Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted (resumable).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../shared/config';
import type { SubmissionResult } from '../../shared/domain';
import type { Snapshot } from '../../shared/telemetry';
import { auditTrail } from '../app/audit-trail';
import { openAppContext, type AppContext } from '../app/context';
import { createRunEntry, type RunEntry } from '../app/run-entry';
import { BatchFileError } from '../batch/ingest/batch-file-error';
import { exportRun } from '../batch/export/export';
import { checkExportTarget, ExportTargetError, partialSibling, type ExportTarget } from '../batch/export/export-target';
import { BatchRun, RunError, fileSha256, type StartRunOptions } from '../batch/runner';
import { RunLockedError } from '../store/run-lock';
import { StorageError } from '../store/storage-fault';
import { startDistributedRun, type DistributedRun } from '../distributed/coordinator';
import { redisUrlFrom } from '../redis-url';
import { trackRun } from '../planner/track-run';
import { ArgError, numberIn, optional, parseArgs, reportArgs, toggle, usageLine, value, type CommandSpec, type Flag, type Values } from './args';
import { ATTACHMENTS, batchPositional, DB } from './batch-flags';
import { progressLine, simulatedBanner } from './progress';

export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 3 } as const;

const runNumber = (v: string, name: string) => {
  if (!/^\d+$/.test(v)) throw new ArgError(`${name} needs a run number, got "${v}"`, true);
  return Number(v);
};

/** The declaration `--help` and the parser read; another flag is one more line here. */
export const VALIDATE = {
  command: 'validate',
  summary: 'Validate a batch headless: a live progress line on a terminal, a plain log otherwise, JSON lines with --json.',
  prefix: '',
  positional: batchPositional('validate'),
  flags: {
    attachments: ATTACHMENTS,
    out: value('--out', 'FILE', 'write the results here at the end (.csv or .xlsx)'),
    db: DB,
    threshold: value('--threshold', 'N', 'the acceptance threshold for this run', {
      parse: numberIn((n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0', { got: false }),
    }),
    resume: optional('--resume', 'RUN', 'continue run RUN, or the latest unfinished run (of BATCH if given)', (v) => /^\d+$/.test(v), Number),
    review: value('--rerun-undetermined', 'RUN', "re-evaluate only that run's Review rows", { parse: runNumber }),
    json: toggle('--json', 'JSON lines on stdout: progress, submission, breaker, export, done, error'),
    distributed: toggle('--distributed', 'coordinate a fleet of workers through Redis (REDIS_URL) instead of evaluating here'),
    chunkSize: value('--chunk-size', 'N', 'submissions per fleet chunk (with --distributed)', {
      parse: numberIn((n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1', { got: false }),
    }),
  },
  notes: [
    '',
    'forms: validate BATCH --attachments DIR … | validate --resume [RUN] … | validate --rerun-undetermined RUN [--db FILE] [--out FILE]',
    'exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted (resumable)',
  ],
} satisfies CommandSpec<Record<string, Flag>>;

type Args = Values<typeof VALIDATE.flags> & { batch: string | null };

export function parseValidateArgs(argv: string[]): Args | string {
  const parsed = parseArgs(VALIDATE, argv);
  if (typeof parsed === 'string') return parsed;
  const a: Args = { ...parsed.values, batch: parsed.positional };
  const usage = usageLine(VALIDATE);
  if (a.chunkSize !== undefined && !a.distributed) return `--chunk-size goes with --distributed\n${usage}`;
  if (a.review !== undefined) {
    if (a.resume !== undefined || a.batch !== null) return `--rerun-undetermined takes neither a batch file nor --resume\n${usage}`;
    return a;
  }
  if (a.resume === undefined && a.batch === null) return `a batch file is needed\n${usage}`;
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

function launch(runs: RunEntry, opts: StartRunOptions): Promise<BatchRun> {
  if (opts.kind === 'new') return runs.start(opts);
  if (opts.kind === 'resume') return runs.resume(opts.runId);
  // With nothing in Review the run still starts and ends at once, so the CLI reports it like any other.
  return runs.rerunUndetermined(opts.runId, true).then(({ run }) => run as BatchRun);
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
  if (typeof args === 'string') return reportArgs(VALIDATE, args);
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
  // The console's own run entry: this run is recorded and audited exactly as one started from the console.
  const audit = auditTrail(ctx.store);
  const runs = createRunEntry({ deps, audit, onResult: (_run, r) => onResult(r) });
  let run: BatchRun | DistributedRun | null = null;
  let interrupted = false;
  const cancel = () => {
    if (run instanceof BatchRun) runs.cancel(run.runId);
    else if (run) {
      audit('cancel batch', String(run.runId), null, null);
      run.cancel();
    }
  };
  const onSignal = () => {
    interrupted = true;
    cancel();
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
    if (redisUrl) {
      // A fleet run has no pause or live state for the entry to control: it keeps its own start (docs/scale-out.md),
      // audited with the entry's words so every run reads the same in the log (docs/architecture.md "Runs").
      const fleet = await startDistributedRun(deps, opts, { redisUrl, chunkSize: args.chunkSize }, onResult);
      if (opts.kind === 'resume') audit('resume batch', String(fleet.runId), null, null);
      else audit('start batch', String(fleet.runId), null, fleet.run.batchName);
      void fleet.done.then(
        (o) => audit(`batch ${o.state}`, String(o.runId), null, { evaluated: o.evaluated, failures: o.failures.length }, undefined, 'engine'),
        () => {}, // a failed fleet run is reported below, where it is awaited
      );
      trackRun(ctx.store, fleet);
      run = fleet;
    } else run = await launch(runs, opts);
    if (interrupted) cancel();
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
    await runs.close();
    await ctx.close();
  }
}
