// The run history over createApi on real parts (store, engine, runner, the simulator through the real SDKs): a
// finished run and a cancelled one, newest first, with timing, calls per provider and outcome; Resume continues the
// cancelled one; bad input to getRunHistory is refused by the contract; Reopen rows carry their reason.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type EventPayload } from '../../../shared/api';
import { createApi, type ApiService } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';

const SAMPLE = resolve('test/fixtures/sample');
const file = { kind: 'path' as const, path: join(SAMPLE, 'batch.csv') };
const attachments = { kind: 'path' as const, path: join(SAMPLE, 'attachments') };

let api: ApiService;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ev-run-history-'));
  api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { STAGGER_ENABLED: 'false' }, simulatorTimeScale: 0.01 });
});
afterAll(async () => {
  await api?.close();
});

function progressUntil(pred: (p: EventPayload<'progress'>) => boolean): Promise<EventPayload<'progress'>> {
  return new Promise((done) => {
    const off = api.on('progress', (p) => {
      if (pred(p)) {
        off();
        done(p);
      }
    });
  });
}

describe('run history', () => {
  it('lists a finished and a cancelled run, newest first, and resumes the cancelled one', async () => {
    const finished = progressUntil((p) => p.state === 'finished');
    const first = await api.startBatch({ file, attachments });
    await finished;

    const second = await api.startBatch({ file, attachments });
    await progressUntil((p) => p.runId === second.runId && p.done >= 1);
    const cancelled = progressUntil((p) => p.runId === second.runId && p.state === 'cancelled');
    await api.cancelBatch({ runId: second.runId });
    await cancelled;

    const history = await api.getRunHistory({ offset: 0, limit: 10 });
    expect(history.total).toBe(2);
    const [b, a] = history.runs;
    expect(b).toMatchObject({ runId: second.runId, outcome: 'cancelled', resumable: true, fileName: 'batch.csv' });
    expect(b!.done).toBeLessThan(30);
    expect(a).toMatchObject({ runId: first.runId, outcome: 'finished', resumable: false, total: 30, done: 30 });
    expect(a!.finishedAt).not.toBeNull();
    expect(a!.durationMs).toBe(a!.finishedAt! - a!.createdAt);
    // Stored calls per provider add up to the calls the run's results used; the fallback provider's share is named.
    expect(a!.callsByProvider.gemini + a!.callsByProvider.groq).toBe(a!.callsUsed);
    expect(a!.fallbackCalls).toBe(a!.callsByProvider.groq);
    expect(Object.values(a!.byStatus).reduce((n, v) => n + v, 0)).toBe(30);

    // Paging: the second page holds the older run alone.
    expect((await api.getRunHistory({ offset: 1, limit: 1 })).runs.map((r) => r.runId)).toEqual([first.runId]);

    const done = progressUntil((p) => p.runId === second.runId && p.state === 'finished');
    await api.resumeBatch({ runId: second.runId });
    await done;
    const after = (await api.getRunHistory({ offset: 0, limit: 1 })).runs[0]!;
    expect(after).toMatchObject({ runId: second.runId, outcome: 'finished', resumable: false, done: 30 });
  }, 120_000);

  it('gives every Reopen row its reason, and no other row one', async () => {
    const [run] = (await api.getRunHistory({ offset: 0, limit: 1 })).runs;
    const all = await api.getResults({ runId: run!.runId, offset: 0, limit: 100 });
    const reopen = all.rows.filter((r) => r.status === 'Reopen');
    expect(reopen.length).toBeGreaterThan(0);
    for (const r of reopen) expect(r.reopenReason).toMatch(/^(PDF Validation|Image Validation): .+ \(.+\)$/);
    for (const r of all.rows.filter((x) => x.status !== 'Reopen')) expect(r.reopenReason).toBeNull();
  });

  it('refuses a bad page request with a message naming the field', () => {
    const input = COMMANDS.getRunHistory.input;
    expect(input.safeParse({ offset: 0, limit: 10 }).success).toBe(true);
    for (const bad of [{ offset: -1, limit: 10 }, { offset: 0, limit: 0 }, { offset: 0, limit: 201 }, { offset: 0, limit: 5, extra: 1 }, {}]) {
      const r = input.safeParse(bad);
      expect(r.success).toBe(false);
    }
    const r = input.safeParse({ offset: 'x', limit: 10 });
    expect(r.success ? '' : r.error.issues[0]?.path.join('.')).toBe('offset');
  });
});
