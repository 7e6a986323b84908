// One line of the run history (docs/console.md §12): a stored run's summary with its timing, calls per provider,
// fallback calls and outcome, read from the store so it survives restarts and covers runs of other processes.
import type { RunHistoryEntry, RunSummary } from '../../shared/api';
import { PROVIDER_IDS } from '../../shared/provider';
import type { RunRecord } from '../store/runs';

export interface RunFacts {
  /** This process holds a live handle on the run. */
  live: boolean;
  /** Stored calls per provider. */
  calls: ReadonlyMap<string, number>;
  /** When its newest stored result finished, null with none. */
  lastResultAt: number | null;
  now: number;
}

function outcomeOf(summary: RunSummary, run: RunRecord, live: boolean): RunHistoryEntry['outcome'] {
  if (summary.runningElsewhere) return 'running elsewhere';
  if (!live) return run.state === 'finished' || run.state === 'cancelled' ? run.state : 'interrupted';
  return summary.state === 'idle' ? 'interrupted' : summary.state;
}

export function runHistoryEntry(summary: RunSummary, run: RunRecord, facts: RunFacts): RunHistoryEntry {
  const outcome = outcomeOf(summary, run, facts.live);
  const going = outcome === 'running' || outcome === 'paused' || outcome === 'cancelling' || outcome === 'running elsewhere';
  const end = run.finishedAt ?? (going ? facts.now : facts.lastResultAt);
  const first = run.config.providerOrder[0];
  const callsByProvider = Object.fromEntries(PROVIDER_IDS.map((p) => [p, facts.calls.get(p) ?? 0])) as RunHistoryEntry['callsByProvider'];
  return {
    ...summary,
    finishedAt: run.finishedAt,
    durationMs: end === null ? null : Math.max(0, end - run.createdAt),
    callsByProvider,
    fallbackCalls: PROVIDER_IDS.filter((p) => p !== first).reduce((n, p) => n + callsByProvider[p], 0),
    outcome,
    resumable: summary.done < summary.total && (outcome === 'cancelled' || outcome === 'interrupted' || outcome === 'paused'),
  };
}
