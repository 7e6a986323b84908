// The contract's schemas accept the real shared defaults and refuse bad payloads with readable messages.
import { describe, expect, it } from 'vitest';
import { COMMANDS, EVENTS, FileRefSchema, describeZodError } from '../../../shared/api';
import { diffValues } from '../../../shared/api-diff';
import { DEFAULT_CONFIG, applyConfigPatch } from '../../../shared/config';
import { DEFAULT_RULES } from '../../../shared/rules';

describe('contract', () => {
  it('accepts the shared defaults as command outputs', () => {
    expect(COMMANDS.getConfig.output.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(COMMANDS.getRules.output.parse(DEFAULT_RULES)).toEqual(DEFAULT_RULES);
  });

  it('accepts a snapshot with no batch and refuses one with a wrong breaker state', () => {
    expect(EVENTS.snapshot.safeParse({ at: 1, providers: [], batch: null }).success).toBe(true);
    const bad = EVENTS.breaker.safeParse({
      type: 'breaker_transition',
      at: 1,
      provider: 'gemini',
      from: 'closed',
      to: 'ajar',
      cause: 'x',
      forced: false,
    });
    expect(bad.success).toBe(false);
  });

  it('refuses unknown keys and names the field at fault', () => {
    const r = COMMANDS.getResults.input.safeParse({ runId: 'r1', offset: -1, limit: 50, extra: 1 });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeZodError(r.error)).toMatch(/offset/);
  });

  it('only accepts well-formed upload ids', () => {
    expect(FileRefSchema.safeParse({ kind: 'upload', id: '../../etc' }).success).toBe(false);
    expect(FileRefSchema.safeParse({ kind: 'upload', id: 'abcDEF12_-' }).success).toBe(true);
    expect(FileRefSchema.safeParse({ kind: 'path', path: '' }).success).toBe(false);
  });

  it('refuses duplicate rule ids and never echoes a key', () => {
    const twice = [DEFAULT_RULES[0], DEFAULT_RULES[0]];
    expect(COMMANDS.updateRules.input.safeParse({ rules: twice }).success).toBe(false);
    expect(Object.keys(COMMANDS.setApiKey.output.shape)).not.toContain('key');
  });

  it('diffs a config patch leaf by leaf', () => {
    const after = applyConfigPatch(DEFAULT_CONFIG, { providers: { gemini: { rpm: 60 } }, spillover: true });
    expect(diffValues(DEFAULT_CONFIG, after)).toEqual([
      { path: 'providers.gemini.rpm', before: 150, after: 60 },
      { path: 'spillover', before: false, after: true },
    ]);
  });
});
