// The audit log in plain words (docs/console.md §8): what kind of action a row is, its target named (a run by its
// file and start time), and its before/after as the settings' labels and values, not paths or JSON. Pure.
import type { AuditEntry, RunSummary } from '../../../shared/api';
import type { RuleDefinition } from '../../../shared/domain';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/provider';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtClock, fmtDateTime } from '../../components/format';
import { ALL_KNOBS, knobChanges } from '../settings/fields';

export const AUDIT_KINDS = ['batch', 'breaker', 'provider', 'settings', 'keys', 'export'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AUDIT_KIND_LABEL: Record<AuditKind, string> = {
  batch: 'Batches',
  breaker: 'Breakers',
  provider: 'Provider pauses and rates',
  settings: 'Settings and rules',
  keys: 'API keys',
  export: 'Exports',
};

export function auditKind(e: AuditEntry): AuditKind {
  if (e.action === 'setting.changed') return 'settings';
  if (e.action.includes('breaker')) return 'breaker';
  if (e.action.includes('API key')) return 'keys';
  if (e.action.startsWith('export')) return 'export';
  if (e.action.endsWith('provider') || e.action === 'restore configured rate') return 'provider';
  return 'batch';
}

/** The provider a row is about, if any: its target, or the providers whose settings it changed. */
export function auditProviders(e: AuditEntry): ProviderId[] {
  if (PROVIDER_IDS.includes(e.target as ProviderId)) return [e.target as ProviderId];
  if (e.action === 'setting.changed' && e.target === 'config') {
    return PROVIDER_IDS.filter((p) => knobChanges(e.before, e.after).some((c) => c.path.startsWith(`providers.${p}.`)));
  }
  return [];
}

export function auditWhat(e: AuditEntry): string {
  if (e.action === 'setting.changed') return e.target === 'rules' ? 'changed rules' : 'changed settings';
  return e.action.replace(/_/g, ' ');
}

const BATCH_TARGET = /^\d+$/;

/** "batch.csv, started 1 Dec 13:05:12" for a run; the provider's name for a provider; else the target as stored. */
export function auditTarget(e: AuditEntry, runs: ReadonlyMap<string, RunSummary>): string {
  if (e.target === null) return '—';
  if (auditKind(e) === 'batch' || auditKind(e) === 'export') {
    const run = BATCH_TARGET.test(e.target) ? runs.get(e.target) : undefined;
    return run ? `${run.fileName}, started ${fmtDateTime(run.createdAt)}` : `run ${e.target}`;
  }
  if (e.action === 'setting.changed') return e.target === 'rules' ? 'Rules' : 'Limits & settings';
  return PROVIDER_LABEL[e.target] ?? e.target;
}

const value = (v: unknown): string => {
  if (v === undefined || v === null) return 'default';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v)) return v.map((x) => PROVIDER_LABEL[String(x)] ?? String(x)).join(', ');
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v);
};

function knobLabel(path: string): string {
  const label = ALL_KNOBS.find((k) => k.path === path)?.label ?? path;
  const m = /^providers\.([a-z]+)\./.exec(path);
  return m ? `${PROVIDER_LABEL[m[1] as string] ?? m[1]} · ${label}` : label;
}

function ruleChanges(before: unknown, after: unknown): string[] {
  const was = new Map((Array.isArray(before) ? (before as RuleDefinition[]) : []).map((r) => [r.id, r]));
  return (Array.isArray(after) ? (after as RuleDefinition[]) : []).flatMap((r) => {
    const b = was.get(r.id);
    const parts: string[] = [];
    if (!b || b.points !== r.points) parts.push(`points ${b ? b.points : 'default'} → ${r.points}`);
    if (b && b.enabled !== r.enabled) parts.push(r.enabled ? 'enabled' : 'disabled');
    if (b && b.threshold !== r.threshold) parts.push(`threshold ${value(b.threshold)} → ${value(r.threshold)}`);
    return parts.length ? [`${r.name}: ${parts.join(', ')}`] : [];
  });
}

const plain = (e: AuditEntry, v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (auditKind(e) === 'breaker' && typeof v === 'string') return BREAKER_LABEL[v as keyof typeof BREAKER_LABEL] ?? v;
  if (auditKind(e) === 'provider' && typeof v === 'number') return `paused until ${fmtClock(v)}`;
  if (typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} ${value(x)}`)
      .join(', ');
  }
  return value(v);
};

/** The change a row made, one line per setting or rule: "Gemini · Requests per minute (RPM): 150 → 60". */
export function auditChange(e: AuditEntry): string[] {
  if (e.action === 'setting.changed' && e.target === 'config') {
    const changes = knobChanges(e.before, e.after);
    return changes.map((c) => `${knobLabel(c.path)}: ${value(c.before)} → ${value(c.after)}`);
  }
  if (e.action === 'setting.changed' && e.target === 'rules') return ruleChanges(e.before, e.after);
  const [b, a] = [plain(e, e.before), plain(e, e.after)];
  if (!b && !a) return [];
  return [b ? `${b} → ${a || '—'}` : a];
}
