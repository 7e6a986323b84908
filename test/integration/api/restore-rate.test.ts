// "Restore configured rate" through createApi on real parts (docs/console.md §15): a 429 storm from the simulator cuts
// Gemini's rate and caps its TPM, the snapshot says so with the cause, and the restore brings the configured limits
// back, audited in plain words, leaving the breaker alone; a bad payload is refused by the contract.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../shared/api';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { createApi, type ApiService } from '../../../electron/api';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { NAMED_TPM, simulatorEnv, stormGemini } from '../../helpers/rate-storm';

const gemini = DEFAULT_CONFIG.providers.gemini;
let sim: Simulator;
let api: ApiService;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.01, seed: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'ev-restore-'));
  api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { ...simulatorEnv(sim), STAGGER_ENABLED: 'false' } });
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});

const geminiSnap = async () => (await api.getSnapshot({})).providers.find((p) => p.provider === 'gemini')!;

describe('restoreRate', () => {
  it('a storm cuts and caps the rate, the snapshot names the cause, and the restore brings the configured limits back', async () => {
    await stormGemini(sim, api);
    const cut = await geminiSnap();
    expect(cut.rate.factor).toBeLessThan(1);
    expect(cut.rate.cutCause).toBe('unexplained 429s');
    expect(cut.rate.cutAt).not.toBeNull();
    expect(cut.rate).toMatchObject({ tpmCap: NAMED_TPM, cleanCallsToIncrease: 1_000 });
    expect(cut.models[0]?.rpmLimit).toBeCloseTo(gemini.rpm * gemini.safetyFactor * cut.rate.factor, 6);
    const breakerBefore = cut.breaker.state;

    const r = await api.restoreRate({ provider: 'gemini', reason: 'storm over' });
    expect(r.before).toMatchObject({ factor: cut.rate.factor, tpmCap: NAMED_TPM });
    expect(r.after).toEqual({
      factor: 1,
      rpmLimit: gemini.rpm * gemini.safetyFactor,
      tpmLimit: gemini.tpm * gemini.safetyFactor,
      rpmCap: null,
      tpmCap: null,
    });
    expect(r.message).toBe(`gemini rate restored: RPM ${Math.round(r.before.rpmLimit)} → 135 per model`);
    const after = await geminiSnap();
    expect(after.rate).toMatchObject({ factor: 1, cutAt: null, cutCause: null, tpmCap: null });
    expect(after.breaker.state).toBe(breakerBefore);

    const entry = (await api.readAuditLog({ offset: 0, limit: 10 })).entries.find((e) => e.action === 'restore configured rate');
    expect(entry).toMatchObject({ target: 'gemini', actor: 'operator', reason: 'storm over' });
    expect(entry?.before).toMatch(
      new RegExp(
        `^RPM [\\d,]+, TPM [\\d,]+ per model \\(${Math.round(cut.rate.factor * 100)} % of the configured rate; TPM limit 125,000 named by a 429\\)$`,
      ),
    );
    expect(entry?.after).toBe('RPM 135, TPM 1,800,000 per model (the configured rate)');
  }, 120_000);

  it('refuses a bad payload by the contract: an unknown provider, an extra key, a long reason', () => {
    const bad = [{ provider: 'openai' }, { provider: 'gemini', factor: 1 }, { provider: 'gemini', reason: 'x'.repeat(501) }, {}];
    for (const input of bad) expect(COMMANDS.restoreRate.input.safeParse(input).success, JSON.stringify(input).slice(0, 60)).toBe(false);
    expect(COMMANDS.restoreRate.input.safeParse({ provider: 'groq', reason: 'ok' }).success).toBe(true);
  });
});
