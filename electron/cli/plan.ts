// `event-validator plan BATCH --attachments DIR [--db FILE] [--config FILE …] [--seeds N] [--json]`: predict a run
// before spending quota (docs/planner.md). Reads the same settings, keys and store as `validate`; each --config file
// is a variant (or a bare config patch) compared after the current settings. A table, or one JSON line per
// configuration with --json. Exit codes as for validate: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ConfigError } from '../../shared/config';
import type { ConfigPrediction, PlanReport, PlanVariant } from '../../shared/plan';
import { openAppContext, type AppContext } from '../app/context';
import { BatchFileError } from '../batch/ingest/batch-file-error';
import { PlanCancelled } from '../planner/run-plan';
import type { PlanAccuracy } from '../store/plans';
import { planRun } from '../planner/planner';
import { variantFromFile, VariantError } from '../planner/variants';
import { EXIT } from './validate';
import { ArgError, list, parseArgs, reportArgs, toggle, usageLine, value, type CommandSpec, type Flag, type Values } from './args';
import { ATTACHMENTS, batchPositional, DB } from './batch-flags';
import { simulatedBanner } from './progress';

const MAX_SEEDS = 50;

export const PLAN = {
  command: 'plan',
  summary: 'Predict a run before spending quota: time, calls and 429s, for the current settings and each --config variant.',
  prefix: '',
  positional: batchPositional('plan'),
  flags: {
    attachments: ATTACHMENTS,
    db: DB,
    configs: list('--config', 'FILE', 'a variant (or a bare config patch) to compare after the current settings; repeatable'),
    seeds: value('--seeds', 'N', 'replays per configuration', {
      parse: (v, name) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_SEEDS)
          throw new ArgError(`${name} must be a whole number from 1 to ${MAX_SEEDS}, got "${v}"`);
        return Number(v);
      },
    }),
    json: toggle('--json', 'one JSON line per configuration instead of the table'),
  },
  notes: ['', 'exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 interrupted'],
} satisfies CommandSpec<Record<string, Flag>>;

export function parsePlanArgs(argv: string[]): (Values<typeof PLAN.flags> & { batch: string }) | string {
  const parsed = parseArgs(PLAN, argv);
  if (typeof parsed === 'string') return parsed;
  if (parsed.positional === null) return `a batch file is needed\n${usageLine(PLAN)}`;
  return { ...parsed.values, batch: parsed.positional };
}

async function readVariants(ctx: AppContext, files: readonly string[]): Promise<PlanVariant[]> {
  const out: PlanVariant[] = [];
  for (const f of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(resolve(f), 'utf8'));
    } catch (e) {
      throw new VariantError(`${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`);
    }
    out.push(variantFromFile(raw, basename(f), ctx.engine.config));
  }
  return out;
}

const minutes = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${(s / 60).toFixed(1)} min`);

export function planLine(p: ConfigPrediction): Record<string, unknown> {
  return {
    config: p.config,
    makespan_s: p.makespan_s,
    p10_s: p.p10_s,
    p90_s: p.p90_s,
    calls: p.calls,
    fallbacks: p.fallbacks,
    http_429: p.http_429,
    undetermined: p.undetermined,
    quota_ok: p.quota_ok,
    learned_from_calls: p.learned_from_calls,
    calls_gemini: p.callsByProvider.gemini,
    calls_groq: p.callsByProvider.groq,
    quota_runs_out_s: p.quota_runs_out_s,
    gemini_reset_at: p.gemini_reset_at === null ? null : new Date(p.gemini_reset_at).toISOString(),
    rpm_peak: Math.max(0, ...p.rpm.map((r) => r.gemini + r.groq)),
    seeds: p.seeds,
    best: p.best,
  };
}

export function planTable(r: PlanReport & { accuracy?: PlanAccuracy }): string {
  const w = r.workload;
  const learned = r.model.latency.filter((l) => l.source === 'learned');
  const lines = [
    `${w.submissions} submissions: ${w.calls} calls to make (${w.byKind.theme} theme, ${w.byKind.pdf} PDF, ${w.byKind.image} image), ` +
      `${w.cacheHits} answered by the cache, ${w.prescoreSkips} skipped by pre-scoring, ${w.reopened} reopened (no call)`,
    `provider model: ${r.model.learnedFromCalls} stored calls; latency ` +
      (learned.length === 0
        ? `documented defaults (fewer than ${r.model.minCallsForFit} calls per provider, model and kind)`
        : `learned for ${learned.map((l) => `${l.provider} ${l.kind} (${l.calls} calls)`).join(', ')}, defaults elsewhere`),
    ...r.model.providers.map(
      (p) =>
        `  ${p.provider}: ${p.available ? '' : 'unavailable, '}${p.rpm} RPM, ${p.tpm} TPM, ${p.rpd} RPD (${p.limitsSource === 'learned' ? `learned from ${p.limitsLearnedFromCalls} responses` : p.limitsSource}), ${p.usedToday} used today, ` +
        `errors ${(p.errorRate * 100).toFixed(1)} %, 429s ${(p.rate429 * 100).toFixed(1)} %${p.calls ? ` (from ${p.calls} calls)` : ' (default)'}`,
    ),
    '',
    `${'config'.padEnd(16)} ${'makespan'.padStart(10)} ${'P10-P90'.padStart(19)} ${'calls'.padStart(7)} ${'gemini/groq'.padStart(12)} ` +
      `${'fallbk'.padStart(6)} ${'429s'.padStart(5)} ${'undet'.padStart(5)}  quota`,
  ];
  for (const p of r.predictions) {
    const quota = p.quota_ok ? 'ok' : `runs out at ${minutes(p.quota_runs_out_s ?? 0)}`;
    const reset = p.gemini_reset_at === null ? '' : `, Gemini resets ${new Date(p.gemini_reset_at).toISOString()}`;
    lines.push(
      `${`${p.best ? '* ' : '  '}${p.config}`.padEnd(16)} ${minutes(p.makespan_s).padStart(10)} ${`${minutes(p.p10_s)}-${minutes(p.p90_s)}`.padStart(19)} ` +
        `${String(p.calls).padStart(7)} ${`${p.callsByProvider.gemini}/${p.callsByProvider.groq}`.padStart(12)} ${String(p.fallbacks).padStart(6)} ` +
        `${String(p.http_429).padStart(5)} ${String(p.undetermined).padStart(5)}  ${quota}${reset}`,
    );
  }
  const acc = r.accuracy;
  lines.push('', `* fastest configuration whose quota holds; ${r.predictions[0]?.seeds ?? 0} seeds per configuration`);
  if (acc)
    lines.push(
      acc.runs === 0
        ? 'planner accuracy: no finished run has been compared yet'
        : `planner accuracy, last ${acc.runs} runs: within ±${acc.withinPct} %`,
    );
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const args = parsePlanArgs(argv);
  if (typeof args === 'string') return reportArgs(PLAN, args);
  let ctx: AppContext;
  try {
    ctx = await openAppContext(args.db ? { dbFile: resolve(args.db) } : {});
  } catch (e) {
    console.error(`event-validator: ${(e as Error).message}`);
    return e instanceof ConfigError ? EXIT.badInput : EXIT.failed;
  }
  if (ctx.simulated && !args.json) console.error(simulatedBanner());
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const variants = await readVariants(ctx, args.configs);
    const report = await planRun(
      { engine: ctx.engine, store: ctx.store, clock: ctx.clock },
      {
        file: resolve(args.batch),
        attachmentsRoot: args.attachments ? resolve(args.attachments) : null,
        variants,
        ...(args.seeds === undefined ? {} : { seeds: args.seeds }),
        signal: ac.signal,
        ...(!args.json && process.stderr.isTTY && { onProgress: (d: number, t: number) => process.stderr.write(`\rreplaying ${d}/${t}`) }),
      },
    );
    if (!args.json && process.stderr.isTTY) process.stderr.write('\n');
    if (args.json) for (const p of report.predictions) process.stdout.write(`${JSON.stringify(planLine(p))}\n`);
    else process.stdout.write(`${planTable({ ...report, accuracy: ctx.store.plans.accuracy() })}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PlanCancelled) {
      console.error('event-validator: plan cancelled');
      return EXIT.interrupted;
    }
    const bad =
      e instanceof BatchFileError || e instanceof VariantError || e instanceof ConfigError || (e as NodeJS.ErrnoException).code === 'ENOENT';
    console.error(`event-validator: ${(e as Error).message}`);
    return bad ? EXIT.badInput : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}
