// The settings form's patch building: only the changed leaves, nested as applyConfigPatch expects.
import { describe, expect, it } from 'vitest';
import { diffValues } from '../../shared/api-diff';
import { DEFAULT_CONFIG } from '../../shared/config';
import { GLOBAL_KNOBS, getPath, patchOf, providerKnobs, setPath } from '../../renderer/features/settings/fields';

describe('settings fields', () => {
  it('builds a nested patch of just the edited knobs', () => {
    let draft = setPath(DEFAULT_CONFIG, 'providers.gemini.rpm', 60);
    draft = setPath(draft, 'stagger.enabled', false);
    expect(DEFAULT_CONFIG.providers.gemini.rpm).toBe(150); // the original is untouched
    const paths = diffValues(DEFAULT_CONFIG, draft).map((c) => c.path);
    expect(patchOf(draft, paths)).toEqual({ providers: { gemini: { rpm: 60 } }, stagger: { enabled: false } });
  });

  it('names only knobs that exist in the config', () => {
    for (const knob of [...providerKnobs('gemini'), ...providerKnobs('groq'), ...GLOBAL_KNOBS]) {
      expect(getPath(DEFAULT_CONFIG, knob.path), knob.path).not.toBeUndefined();
    }
  });
});
