// createApi end to end on real parts: store, engine, runner and the in-process provider simulator.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/api';
import { createApi, type ApiService } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';

const SAMPLE = resolve('test/fixtures/sample');
const SECRET = 'gsk_api_test_SECRET_0123456789';

let api: ApiService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ev-api-'));
  api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { STAGGER_ENABLED: 'false' }, simulatorTimeScale: 0.01 });
});
afterAll(async () => {
  await api?.close();
});

function waitFor<E extends Parameters<ApiService['on']>[0]>(event: E, pred: (p: EventPayload<E>) => boolean): Promise<EventPayload<E>> {
  return new Promise((done) => {
    const off = api.on(event, (p) => {
      if (pred(p)) {
        off();
        done(p);
      }
    });
  });
}

describe('createApi', () => {
  it('previews, runs, lists, details and exports the sample batch', async () => {
    const file = { kind: 'path' as const, path: join(SAMPLE, 'batch.csv') };
    const attachments = { kind: 'path' as const, path: join(SAMPLE, 'attachments') };
    const preview = await api.previewBatch({ file, attachments });
    expect(preview.refusal).toBeNull();
    expect(preview.rowCount).toBe(30);

    const finished = waitFor('progress', (p) => p.state === 'finished');
    const rows: string[] = [];
    const off = api.on('submission', (r) => rows.push(r.submissionId));
    const { runId } = await api.startBatch({ file, attachments });
    const last = await finished;
    off();
    expect(last.done).toBe(30);
    expect(new Set(rows).size).toBe(30);

    const runs = await api.listRuns({});
    expect(runs[0]).toMatchObject({ runId, total: 30, done: 30, simulated: true, state: 'finished' });
    const reopened = await api.getResults({ runId, status: ['Reopen'], offset: 0, limit: 100 });
    expect(reopened.total).toBeGreaterThan(0);
    expect(reopened.rows.every((r) => r.status === 'Reopen')).toBe(true);

    const all = await api.getResults({ runId, offset: 0, limit: 100 });
    const called = all.rows.find((r) => r.callsUsed > 0)!;
    const detail = await api.getSubmission({ runId, submissionId: called.submissionId });
    expect(detail.submission?.id).toBe(called.submissionId);
    expect(detail.result?.rules.length).toBe(15);
    expect(detail.result?.calls.length).toBe(called.callsUsed);
    // Its timeline (docs/console.md §16): one attempt step per physical call, each sent one with its answer (calls are
    // stored in the order they answered, steps in the order they began: compare them as sets).
    const attempts = (detail.result?.timeline ?? []).filter((s) => s.step === 'attempt' && s.sentAt !== null);
    const key = (x: { kind: string | null; provider: string | null; outcome: string | null }) => `${x.kind} ${x.provider} ${x.outcome}`;
    expect(attempts.map(key).sort()).toEqual((detail.result?.calls ?? []).map(key).sort());
    for (const s of attempts) expect(s.to).toBeGreaterThanOrEqual(s.sentAt ?? Infinity);

    const exported = await api.exportResults({ runId, format: 'csv' });
    expect(exported.rows).toBe(30);
    const bytes = readFileSync(exported.path);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.length).toBe(exported.bytes);
  }, 120_000);

  it('resets and forces breakers, with an audit trail and an alert', async () => {
    const alert = waitFor('alert', (a) => a.kind === 'breaker_open');
    const forced = await api.forceOpenBreaker({ provider: 'gemini', reason: 'kill switch test' });
    expect(forced.breaker).toMatchObject({ state: 'open', forced: true });
    expect((await alert).provider).toBe('gemini');
    const reset = await api.resetBreaker({ provider: 'gemini' });
    expect(reset.breaker.state).toBe('closed');
    const log = await api.readAuditLog({ offset: 0, limit: 50 });
    const actions = log.entries.map((e) => e.action);
    expect(actions).toContain('force open breaker');
    expect(actions).toContain('reset breaker');
    const open = await api.listAlerts({ includeAcknowledged: false });
    const acked = await api.ackAlert({ id: open[0]!.id });
    expect(acked.acknowledgedAt).not.toBeNull();
    expect(await api.listAlerts({ includeAcknowledged: false })).not.toContainEqual(expect.objectContaining({ id: acked.id }));
  });

  it('applies a live limit change and refuses a bad one by name', async () => {
    const diff = await api.updateConfig({ patch: { providers: { gemini: { rpm: 60 } } }, reason: 'quota cut' });
    expect(diff.before.providers.gemini.rpm).toBe(150);
    expect(diff.after.providers.gemini.rpm).toBe(60);
    const snap = await api.getSnapshot({});
    expect(snap.providers.find((p) => p.provider === 'gemini')!.rpmLimit).toBeCloseTo(60 * 0.9, 5);
    await expect(api.updateConfig({ patch: { providers: { gemini: { rpm: -5 } } } })).rejects.toThrow(/providers\.gemini\.rpm/);
    await expect(api.updateConfig({ patch: { bogus: 1 } as never })).rejects.toThrow(/bogus: unknown setting/);
  });

  it('stores a key write-only: status says set, the key never comes back or lands in the database', async () => {
    await api.setApiKey({ provider: 'groq', key: SECRET });
    const status = await api.getKeyStatus({});
    expect(status.providers.find((p) => p.provider === 'groq')?.set).toBe(true);
    expect(JSON.stringify(status)).not.toContain(SECRET);
    const log = await api.readAuditLog({ offset: 0, limit: 100 });
    expect(JSON.stringify(log)).not.toContain(SECRET);
    for (const f of ['event-validator.db', 'keys.json']) expect(readFileSync(join(dir, f)).includes(SECRET)).toBe(false);
  });
});
