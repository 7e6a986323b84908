// `event-validator validate BATCH --attachments DIR [--out FILE] [--db FILE] [--threshold N] [--resume [RUN]] [--json]`,
// or `validate --rerun-undetermined RUN [--db FILE] [--out FILE]` (re-evaluate only that run's Review rows):
// the headless main job. A live progress line on a terminal, a plain log otherwise, JSON lines with --json.
// Exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted (resumable).
import { resolve } from 'node:path';
import { ConfigError } from '../../shared/config';
import type { Snapshot } from '../../shared/telemetry';
import { openAppContext, type AppContext } from '../app/context';
import { BatchFileError } from '../batch/batch-file-error';
import { exportRun } from '../batch/export';
import { RunError, fileSha256, startRun, type BatchRun, type StartRunOptions } from '../batch/runner';
import { trackRun } from '../planner/track-run';
import { progressLine, simulatedBanner } from './progress';

export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 3 } as const;

const USAGE = `usage: event-validator validate BATCH.csv|xlsx --attachments DIR [--out results.csv|xlsx] [--db FILE]
                               [--threshold N] [--resume [RUN]] [--json]
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
}

export function parseValidateArgs(argv: string[]): Args | string {
  const a: Args = { batch: null, attachments: null, out: null, db: null, threshold: undefined, resume: undefined, review: undefined, json: false };
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
  if (a.review !== undefined) {
    if (a.resume !== undefined || a.batch !== null) return `--rerun-undetermined takes neither a batch file nor --resume\n${USAGE}`;
    return a;
  }
  if (a.resume === undefined && a.batch === null) return `a batch file is needed\n${USAGE}`;
  return a;
}

async function runOptions(ctx: AppContext, a: Args): Promise<StartRunOptions> {
  if (a.review !== undefined) return { kind: 'review', runId: a.review };
  if (a.resume === undefined) return { kind: 'new', file: resolve(a.batch as string), attachmentsRoot: a.attachments ? resolve(a.attachments) : null, ...(a.threshold === undefined ? {} : { threshold: a.threshold }) };
  if (a.resume !== null) return { kind: 'resume', runId: a.resume };
  const latest = ctx.store.latestUnfinishedRun(a.batch ? await fileSha256(resolve(a.batch)) : undefined);
  if (!latest) throw new RunError(`nothing to resume: no unfinished run${a.batch ? ` of ${a.batch}` : ''} in ${ctx.store.file}`);
  return { kind: 'resume', runId: latest.id };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseValidateArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return args === USAGE ? EXIT.ok : EXIT.badInput;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const emit = (o: object) => out(JSON.stringify(o));
  let ctx: AppContext;
  try {
    ctx = await openAppContext(args.db ? { dbFile: resolve(args.db) } : {});
  } catch (e) {
    console.error(`event-validator: ${(e as Error).message}`);
    return e instanceof ConfigError ? EXIT.badInput : EXIT.failed;
  }
  if (ctx.simulated) console.error(simulatedBanner());

  let run: BatchRun | null = null;
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
    if (args.json) return emit({ type: 'progress', at: s.at, batch: s.batch, providers: s.providers.map((p) => ({ provider: p.provider, state: p.breaker.state, rpm: p.rpm, rpmLimit: p.rpmLimit, inFlight: p.inFlight, http429Last5m: p.http429Last5m })) });
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
    run = await startRun({ engine: ctx.engine, store: ctx.store, clock: ctx.clock, aggregator: ctx.aggregator, simulated: ctx.simulated }, opts, (r) => {
      if (args.json) emit({ type: 'submission', submissionId: r.submissionId, row: r.row, status: r.status, score: r.score, callsUsed: r.callsUsed, provider: r.provider });
    });
    trackRun(ctx.store, run);
    if (interrupted) run.cancel();
    if (!args.json) console.error(`run ${run.runId}: ${run.run.batchName}, ${run.tracker.snapshot().total} submissions to evaluate (database ${ctx.store.file})`);
    const outcome = await run.done;
    if (tty) process.stderr.write('\n');
    const summary = ctx.store.results(outcome.runId);
    const byStatus: Record<string, number> = {};
    for (const r of summary) byStatus[r.result.status] = (byStatus[r.result.status] ?? 0) + 1;
    if (args.out && outcome.state !== 'interrupted') {
      const file = resolve(args.out);
      const written = await exportRun(ctx.store, outcome.runId, file);
      if (!args.json) console.error(`wrote ${written.rows} of ${written.total} rows to ${file}`);
    }
    const resumeHint = `resume with: event-validator validate --resume ${outcome.runId}${args.db ? ` --db ${args.db}` : ''}${args.out ? ` --out ${args.out}` : ''}`;
    if (args.json) emit({ type: 'done', runId: outcome.runId, state: outcome.state, evaluated: outcome.evaluated, byStatus, failures: outcome.failures, simulated: ctx.simulated });
    else {
      console.error(`run ${outcome.runId} ${outcome.state}: ${Object.entries(byStatus).map(([k, v]) => `${v} ${k}`).join(', ') || 'no results'}`);
      for (const f of outcome.failures) console.error(`not stored: ${f}`);
      if (outcome.state !== 'finished') console.error(resumeHint);
    }
    return outcome.state === 'finished' ? EXIT.ok : EXIT.interrupted;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    const bad = e instanceof BatchFileError || e instanceof RunError || (e as NodeJS.ErrnoException).code === 'ENOENT';
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
