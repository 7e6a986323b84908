// With HEURISTIC_FALLBACK on, rules that no provider can judge get the heuristic's verdict (marked
// "heuristic"); with it off (the default) they stay undetermined: undetermined is not NO.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/key-vault';

const SAMPLE = resolve('test/fixtures/sample');

async function runWithProvidersDown(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'ev-heur-'));
  const api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { STAGGER_ENABLED: 'false', ...env }, simulatorTimeScale: 0.01 });
  try {
    await api.forceOpenBreaker({ provider: 'gemini' });
    await api.forceOpenBreaker({ provider: 'groq' });
    const done = new Promise<void>((ok) => api.on('progress', (p) => p.state === 'finished' && ok()));
    const { runId } = await api.startBatch({ file: { kind: 'path', path: join(SAMPLE, 'batch.csv') }, attachments: { kind: 'path', path: join(SAMPLE, 'attachments') } });
    await done;
    const { rows } = await api.getResults({ runId, offset: 0, limit: 100 });
    const judged = rows.find((r) => r.status !== 'Reopen' && r.status !== 'Rejected')!;
    return { rows, detail: await api.getSubmission({ runId, submissionId: judged.submissionId }) };
  } finally {
    await api.close();
  }
}

describe('heuristic fallback', () => {
  it('is off by default: with every provider down the LLM rules are undetermined and no call is made', async () => {
    const { rows, detail } = await runWithProvidersDown({});
    expect(rows.every((r) => r.callsUsed === 0)).toBe(true);
    const llm = detail.result!.rules.filter((r) => ['theme_alignment', 'pdf_title', 'banner'].includes(r.ruleId));
    expect(llm.map((r) => r.verdict)).toEqual(['undetermined', 'undetermined', 'undetermined']);
    expect(detail.result!.status).toBe('Review');
  }, 60_000);

  it('when on, the heuristic judges them and says so', async () => {
    const { detail } = await runWithProvidersDown({ HEURISTIC_FALLBACK: 'true' });
    const theme = detail.result!.rules.find((r) => r.ruleId === 'theme_alignment')!;
    expect(theme.source).toBe('heuristic');
    expect(detail.result!.provider).toBe('heuristic');
  }, 60_000);
});
