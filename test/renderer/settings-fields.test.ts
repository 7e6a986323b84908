// The settings form's patch building: only the changed leaves, nested as applyConfigPatch expects.
import { describe, expect, it } from 'vitest';
import { diffValues } from '../../shared/api-diff';
import { DEFAULT_CONFIG } from '../../shared/config';
import { ALL_KNOBS, getPath, knobChanges, patchOf, setPath } from '../../renderer/features/settings/fields';
import { applyConfigPatch } from '../../shared/config';

describe('settings fields', () => {
  it('builds a nested patch of just the edited knobs', () => {
    let draft = setPath(DEFAULT_CONFIG, 'providers.gemini.rpm', 60);
    draft = setPath(draft, 'stagger.enabled', false);
    expect(DEFAULT_CONFIG.providers.gemini.rpm).toBe(150); // the original is untouched
    expect(diffValues(DEFAULT_CONFIG, draft)).toHaveLength(2);
    const paths = knobChanges(DEFAULT_CONFIG, draft).map((c) => c.path);
    expect(patchOf(draft, paths)).toEqual({ providers: { gemini: { rpm: 60 } }, stagger: { enabled: false } });
  });

  it('treats the provider order as one value, so its patch applies', () => {
    const draft = setPath(DEFAULT_CONFIG, 'providerOrder', ['groq', 'gemini']);
    const changes = knobChanges(DEFAULT_CONFIG, draft);
    expect(changes).toEqual([{ path: 'providerOrder', before: ['gemini', 'groq'], after: ['groq', 'gemini'] }]);
    const patch = patchOf(
      draft,
      changes.map((c) => c.path),
    );
    expect(applyConfigPatch(DEFAULT_CONFIG, patch).providerOrder).toEqual(['groq', 'gemini']);
  });

  it('names only knobs that exist in the config', () => {
    for (const knob of ALL_KNOBS) {
      expect(getPath(DEFAULT_CONFIG, knob.path), knob.path).not.toBeUndefined();
    }
  });
});
