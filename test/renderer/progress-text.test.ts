// The run's progress line: the ETA is marked unreliable while a provider recovers, and a paused batch with work in
// flight says it is still finishing it.
import { describe, expect, it } from 'vitest';
import type { BatchSnapshot } from '../../shared/telemetry';
import { etaText, pausingText } from '../../renderer/features/batches/progress-text';
import { providerSnapshot } from '../helpers/provider-snapshot';

const NOW = Date.UTC(2026, 11, 1, 10, 0, 0);

function pass(over: Partial<BatchSnapshot> = {}): BatchSnapshot {
  return {
    runId: '1',
    state: 'running',
    total: 400,
    done: 100,
    byStatus: { Accepted: 100, Rejected: 0, Reopen: 0, Review: 0, Error: 0 },
    callsUsed: 300,
    cacheHits: 0,
    fallbacks: 0,
    startedAt: NOW - 60_000,
    etaMs: 176_000,
    budgetHistogram: [],
    budget: 6,
    budgetExhausted: [],
    workers: 4,
    submissionsInFlight: 0,
    callsInFlight: 0,
    ...over,
  };
}

describe('progress text', () => {
  it('gives the ETA plainly while every provider serves', () => {
    expect(etaText(pass(), [providerSnapshot('gemini'), providerSnapshot('groq')], NOW)).toBe('ETA 2m 56s');
    expect(etaText(pass({ etaMs: null }), [], NOW)).toBeNull();
    expect(etaText(pass({ state: 'paused' }), [], NOW)).toBeNull();
  });

  it('marks the ETA unreliable while a provider recovers or holds parked calls', () => {
    const open = providerSnapshot('gemini', {}, { state: 'open', halfOpenAt: NOW + 30_000 });
    expect(etaText(pass(), [open, providerSnapshot('groq')], NOW)).toBe('ETA ~2m 56s (unreliable: waiting for Gemini to recover)');
    const parked = providerSnapshot('groq', { parked: 3 });
    expect(etaText(pass(), [open, parked], NOW)).toBe('ETA ~2m 56s (unreliable: waiting for Gemini and Groq to recover)');
    // A provider with no key is not something the run waits for.
    expect(etaText(pass(), [providerSnapshot('gemini'), providerSnapshot('groq', { hasKey: false })], NOW)).toBe('ETA 2m 56s');
  });

  it('says "pausing" while a paused batch finishes its work in flight, and nothing once it has', () => {
    expect(pausingText(pass({ state: 'paused', submissionsInFlight: 3, callsInFlight: 1 }))).toBe(
      'pausing: finishing 3 submissions in flight (1 call)',
    );
    expect(pausingText(pass({ state: 'paused' }))).toBeNull();
    expect(pausingText(pass({ state: 'running', submissionsInFlight: 3 }))).toBeNull();
  });
});
