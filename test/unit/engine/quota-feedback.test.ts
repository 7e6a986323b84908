// Quota feedback from named limits (docs/providers.md §4): a 429 that names its per-minute limit caps only that
// dimension and is explained (no AIMD cut on top); a 429 that names nothing is the surprise AIMD answers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallFailure } from '../../../shared/provider';
import type { EngineEvent } from '../../../shared/telemetry';
import { VirtualClock } from '../../../electron/engine/clock';
import { ProviderState } from '../../../electron/engine/provider-state';
import { seededRng } from '../../../electron/engine/rng';

function gemini() {
  const events: EngineEvent[] = [];
  const cfg = DEFAULT_CONFIG.providers.gemini;
  const state = new ProviderState('gemini', cfg, new VirtualClock(Date.UTC(2026, 0, 5, 12)), seededRng(1), (e) => events.push(e), true);
  return { state, events, cfg };
}

const tpm429 = (extra: Partial<CallFailure> = {}): CallFailure => ({
  ok: false,
  provider: 'gemini',
  model: 'gemini-2.5-pro',
  kind: 'rate_limit',
  status: 429,
  message: 'quota',
  dimension: 'TPM',
  latencyMs: 100,
  ...extra,
});

describe('quota feedback', () => {
  it('a TPM 429 naming its limit caps TPM only, keeps RPM, and is not cut again by AIMD', () => {
    const { state, events, cfg } = gemini();
    const rpmBefore = state.snapshot().rpmLimit;
    state.feedback.onFailure(tpm429({ quota: { limitTokens: 125_000 } }));
    const s = state.snapshot();
    expect(s.tpmLimit).toBeCloseTo(125_000 * cfg.safetyFactor);
    expect(s.rpmLimit).toBeCloseTo(rpmBefore);
    expect(state.feedback.rateFactor).toBe(1);
    expect(events.filter((e) => e.type === 'quota_learned').map((e) => (e.type === 'quota_learned' ? e.detail : ''))).toEqual([
      `server named TPM limit 125000 (configured ${cfg.tpm})`,
    ]);
  });

  it('a bare 429 (no limit, no headers) is unexplained: one AIMD cut of both per-minute limits', () => {
    const { state, cfg } = gemini();
    state.feedback.onFailure(tpm429({ dimension: undefined }));
    expect(state.feedback.rateFactor).toBeCloseTo(cfg.aimd.decrease);
    expect(state.snapshot().rpmLimit).toBeCloseTo(cfg.rpm * cfg.safetyFactor * cfg.aimd.decrease);
  });

  it('a new config lifts the learned cap', () => {
    const { state, cfg } = gemini();
    state.feedback.onFailure(tpm429({ quota: { limitTokens: 125_000 } }));
    state.setConfig({ ...cfg, tpm: 1_000_000 });
    expect(state.snapshot().tpmLimit).toBeCloseTo(1_000_000 * cfg.safetyFactor);
  });
});
