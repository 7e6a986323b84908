// The reliability harness's figures: each scenario records what it threw at the product and what came out, and the
// run prints them as one table at the end (test/reliability/figures-report.ts). The zeros are asserted by each
// scenario itself; this only counts, so the table reads the same at CI size (`npm test`) and full size (`npm run soak`).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli';

/** Set by the global setup to a folder of its own run (two vitest runs at once must not mix their figures). */
export const FIGURES_ENV = 'RELIABILITY_FIGURES_DIR';
const figuresDir = () => process.env[FIGURES_ENV] ?? path.join(repoRoot, 'test-results/reliability-figures');

export const FAULT_KINDS = [
  '429 storms',
  '5xx',
  'stalls',
  'drops',
  'malformed replies',
  'quota cut',
  'daily exhaustion',
  'SIGKILLs',
  'disk full',
  'Redis down',
] as const;
export const OUTCOME_KINDS = [
  'lost',
  'duplicated',
  'budget overruns',
  'calls into an OPEN breaker beyond probes',
  'retried daily 429s',
  'requests over a server quota',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface Figures {
  /** One line of the table: the scenario's test file, without the folder. */
  scenario: string;
  /** Submissions that went through the product while the faults were on. */
  submissions: number;
  faults?: Partial<Record<FaultKind, number>>;
  /** Hostile inputs tried, by kind (free text: the kinds differ by scenario). */
  hostile?: Record<string, number>;
  outcomes?: Partial<Record<OutcomeKind, number>>;
}

/** Record a scenario's figures; a scenario run twice in one run (two files of one name) keeps the last. */
export function recordFigures(f: Figures): void {
  mkdirSync(figuresDir(), { recursive: true });
  writeFileSync(path.join(figuresDir(), `${f.scenario.replace(/[^\w.-]+/g, '_')}.json`), JSON.stringify(f));
}

export function readFigures(): Figures[] {
  let names: string[];
  try {
    names = readdirSync(figuresDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(path.join(figuresDir(), n), 'utf8')) as Figures);
}

const sum = (xs: Array<number | undefined>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

/** The summary: totals first (what RELIABILITY.md records), then which scenario contributed what. */
export function figuresTable(all: readonly Figures[], scale: string): string {
  const lines = [`Reliability figures (${scale} size, ${all.length} scenarios)`, ''];
  const row = (k: string, v: number | string) => lines.push(`  ${k.padEnd(44)} ${String(v).padStart(8)}`);
  row('submissions processed under faults', sum(all.map((f) => f.submissions)));
  lines.push('', ' faults injected');
  for (const k of FAULT_KINDS) row(k, sum(all.map((f) => f.faults?.[k])));
  lines.push('', ' hostile inputs tried');
  const hostile = new Map<string, number>();
  for (const f of all) for (const [k, v] of Object.entries(f.hostile ?? {})) hostile.set(k, (hostile.get(k) ?? 0) + v);
  for (const [k, v] of [...hostile].sort()) row(k, v);
  lines.push('', ' outcomes');
  for (const k of OUTCOME_KINDS) row(k, sum(all.map((f) => f.outcomes?.[k])));
  lines.push('', ' by scenario (submissions; faults)');
  for (const f of all) {
    const faults = Object.entries(f.faults ?? {})
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    row(f.scenario, `${f.submissions}; ${faults || 'hostile inputs only'}`);
  }
  return lines.join('\n');
}
