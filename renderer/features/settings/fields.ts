// Every live-editable knob of EngineConfig, where it lives and how the form shows it.
import type { Change } from '../../../shared/api-diff';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/provider';

export interface Knob {
  /** Dotted path into EngineConfig. */
  path: string;
  label: string;
  kind: 'number' | 'auto-number' | 'bool' | 'mode' | 'order';
  /** Shown divided by this (ms shown as seconds). */
  scale?: number;
  unit?: string;
  step?: number;
}

export function providerKnobs(p: ProviderId): Knob[] {
  const b = `providers.${p}`;
  return [
    { path: `${b}.enabled`, label: 'Enabled', kind: 'bool' },
    { path: `${b}.rpm`, label: 'Requests per minute (RPM)', kind: 'number' },
    { path: `${b}.tpm`, label: 'Tokens per minute (TPM)', kind: 'number' },
    { path: `${b}.rpd`, label: 'Requests per day (RPD)', kind: 'number' },
    { path: `${b}.tpd`, label: 'Tokens per day (0 = no limit)', kind: 'number' },
    { path: `${b}.safetyFactor`, label: 'Safety factor', kind: 'number', step: 0.05 },
    { path: `${b}.maxConcurrent`, label: 'Concurrency', kind: 'auto-number' },
    { path: `${b}.jitter.enabled`, label: 'Jitter', kind: 'bool' },
    { path: `${b}.jitter.min`, label: 'Jitter min ×', kind: 'number', step: 0.1 },
    { path: `${b}.jitter.max`, label: 'Jitter max ×', kind: 'number', step: 0.1 },
    { path: `${b}.breaker.threshold`, label: 'Breaker error threshold', kind: 'number', step: 0.05 },
    { path: `${b}.breaker.windowMs`, label: 'Breaker window', kind: 'number', scale: 1000, unit: 's' },
    { path: `${b}.breaker.cooldownMs`, label: 'Breaker cooldown', kind: 'number', scale: 1000, unit: 's' },
    { path: `${b}.breaker.minCalls`, label: 'Breaker min calls', kind: 'number' },
    { path: `${b}.breaker.halfOpenProbes`, label: 'Half-open probes', kind: 'number' },
    { path: `${b}.timeoutMs`, label: 'Call timeout', kind: 'number', scale: 1000, unit: 's' },
  ];
}

export const GLOBAL_KNOBS: Knob[] = [
  { path: 'providerOrder', label: 'Provider order (primary first)', kind: 'order' },
  { path: 'maxCallsPerSubmission', label: 'Budget (calls per submission)', kind: 'number' },
  { path: 'maxWorkers', label: 'Workers', kind: 'auto-number' },
  { path: 'stagger.enabled', label: 'Stagger first calls', kind: 'bool' },
  { path: 'stagger.minMs', label: 'Stagger min', kind: 'number', unit: 'ms' },
  { path: 'stagger.maxMs', label: 'Stagger max', kind: 'number', unit: 'ms' },
  { path: 'acceptanceThreshold', label: 'Acceptance threshold (score)', kind: 'number' },
  { path: 'spillover', label: 'Spill over to fallback when the primary queue is long', kind: 'bool' },
  { path: 'evaluationMode', label: 'Evaluation mode', kind: 'mode' },
  { path: 'retry.maxAttempts', label: 'Attempts per call (1–3)', kind: 'number' },
  { path: 'phashThreshold', label: 'Similar-photo distance (bits)', kind: 'number' },
  { path: 'allowUrlDownloads', label: 'Download http(s) attachments', kind: 'bool' },
];

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], obj);
}

/** A copy of `obj` with `path` set to `value` (plain JSON data). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const node = (obj ?? {}) as Record<string, unknown>;
  if (head === undefined) return obj;
  return { ...node, [head]: rest.length ? setPath(node[head], rest.join('.'), value) : value } as T;
}

/** The nested patch holding only the given leaf paths of `draft`. */
export function patchOf(draft: unknown, paths: string[]): Record<string, unknown> {
  return paths.reduce<Record<string, unknown>>((patch, p) => setPath(patch, p, getPath(draft, p)), {});
}

export const ALL_KNOBS: readonly Knob[] = [...PROVIDER_IDS.flatMap(providerKnobs), ...GLOBAL_KNOBS];

/** The knobs whose value differs, knob by knob (a list like providerOrder is one value). */
export function knobChanges(before: unknown, after: unknown): Change[] {
  return ALL_KNOBS.flatMap((k) => {
    const b = getPath(before, k.path);
    const a = getPath(after, k.path);
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: k.path, before: b, after: a }];
  });
}
