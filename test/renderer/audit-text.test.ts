// The audit log in plain words: settings by their labels, runs by file and start time, kinds and providers to filter.
import { describe, expect, it } from 'vitest';
import type { AuditEntry, RunSummary } from '../../shared/api';
import { fmtDateTime } from '../../renderer/components/format';
import { auditChange, auditKind, auditProviders, auditTarget, auditWhat } from '../../renderer/features/audit/audit-text';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: 0,
  actor: 'operator',
  action: 'x',
  target: null,
  before: null,
  after: null,
  reason: null,
  ...over,
});

describe('audit text', () => {
  it('names a setting change by the setting’s label and provider, not its path or JSON', () => {
    const e = entry({
      action: 'setting.changed',
      target: 'config',
      before: { providers: { gemini: { rpm: 150 } } },
      after: { providers: { gemini: { rpm: 60 } }, spillover: true },
    });
    expect(auditWhat(e)).toBe('changed settings');
    expect(auditChange(e)).toEqual([
      'Gemini · Requests per minute (RPM): 150 → 60',
      'Spill over to fallback when the primary queue is long: default → on',
    ]);
    expect(auditKind(e)).toBe('settings');
    expect(auditProviders(e)).toEqual(['gemini']);
  });

  it('names a run by its file and start time', () => {
    const run = { runId: '3', fileName: 'december.csv', createdAt: Date.UTC(2026, 11, 1, 9, 5) } as RunSummary;
    const e = entry({ action: 'cancel batch', target: '3' });
    expect(auditTarget(e, new Map([['3', run]]))).toBe(`december.csv, started ${fmtDateTime(run.createdAt)}`);
    expect(auditTarget(e, new Map())).toBe('run 3');
    expect(auditKind(e)).toBe('batch');
  });

  it('gives breaker and pause changes in words, with their provider', () => {
    const reset = entry({ action: 'reset breaker', target: 'groq', before: 'open', after: 'closed' });
    expect(auditChange(reset)).toEqual(['OPEN → CLOSED']);
    expect([auditKind(reset), auditTarget(reset, new Map()), auditProviders(reset)]).toEqual(['breaker', 'Groq', ['groq']]);
    const pause = entry({ action: 'pause provider', target: 'gemini', after: Date.UTC(2026, 11, 1, 9, 0) });
    expect(auditKind(pause)).toBe('provider');
    expect(auditChange(pause)[0]).toMatch(/^paused until \d\d:\d\d:\d\d$/);
    expect(auditChange(entry({ action: 'pause batch', target: '1' }))).toEqual([]);
  });
});
