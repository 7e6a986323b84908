// Undetermined is not NO: with HEURISTIC_FALLBACK off (the default) rules no provider can judge stay undetermined,
// with it on they get the heuristic's verdict (marked "heuristic"), and "Re-run undetermined" finishes them later.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';

const SAMPLE = resolve('test/fixtures/sample');

async function runWithProvidersDown(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'ev-heur-'));
  const api = await createApi({
    userDataDir: dir,
    vault: new FileKeyVault(dir),
    env: { STAGGER_ENABLED: 'false', ...env },
    simulatorTimeScale: 0.01,
  });
  try {
    await api.forceOpenBreaker({ provider: 'gemini' });
    await api.forceOpenBreaker({ provider: 'groq' });
    const done = new Promise<void>((ok) => api.on('progress', (p) => p.state === 'finished' && ok()));
    const { runId } = await api.startBatch({
      file: { kind: 'path', path: join(SAMPLE, 'batch.csv') },
      attachments: { kind: 'path', path: join(SAMPLE, 'attachments') },
    });
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

describe('re-run undetermined', () => {
  it('re-evaluates only the Review rows, in place: no duplicate rows, other rows untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ev-rerun-'));
    const api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { STAGGER_ENABLED: 'false' }, simulatorTimeScale: 0.01 });
    try {
      await api.forceOpenBreaker({ provider: 'gemini' });
      await api.forceOpenBreaker({ provider: 'groq' });
      const finished = () =>
        new Promise<void>((ok) => {
          const off = api.on('progress', (p) => p.state === 'finished' && (off(), ok()));
        });
      let done = finished();
      const { runId } = await api.startBatch({
        file: { kind: 'path', path: join(SAMPLE, 'batch.csv') },
        attachments: { kind: 'path', path: join(SAMPLE, 'attachments') },
      });
      await done;
      const before = await api.getResults({ runId, offset: 0, limit: 100 });
      const review = before.rows.filter((r) => r.status === 'Review').map((r) => r.submissionId);
      expect(review.length).toBeGreaterThan(0);

      await api.resetBreaker({ provider: 'gemini' });
      await api.resetBreaker({ provider: 'groq' });
      done = finished();
      const evaluated: string[] = [];
      const off = api.on('submission', (r) => evaluated.push(r.submissionId));
      const { queued } = await api.rerunUndetermined({ runId });
      await done;
      off();
      expect(queued).toBe(review.length);
      expect(evaluated.sort()).toEqual([...review].sort());
      const after = await api.getResults({ runId, offset: 0, limit: 100 });
      expect(after.total).toBe(before.total);
      expect(after.rows.filter((r) => r.status === 'Review').length).toBeLessThan(review.length);
      for (const r of before.rows.filter((x) => x.status !== 'Review')) expect(after.rows.find((x) => x.submissionId === r.submissionId)).toEqual(r);
      const detail = await api.getSubmission({ runId, submissionId: review[0]! });
      expect(detail.result!.calls.length).toBeGreaterThan(0); // the re-run's calls are on record
    } finally {
      await api.close();
    }
  }, 90_000);
});
