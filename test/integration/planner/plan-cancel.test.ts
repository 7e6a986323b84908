// Cancelling a plan is the operator's wish, not a failure: planBatch answers null (the console then shows no
// error), and a plan that was not cancelled still answers its report.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApi, type ApiService } from '../../../electron/api';
import { FileKeyVault } from '../../../electron/store/file-key-vault';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH } from '../pipeline/support';

let dir: string;
let api: ApiService;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ev-plan-cancel-'));
  api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: {}, simulatorTimeScale: 0.01 });
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const refs = {
  file: { kind: 'path' as const, path: SAMPLE_BATCH },
  attachments: { kind: 'path' as const, path: SAMPLE_ATTACHMENTS },
  variants: [],
};

it('a cancelled plan answers null; the next plan answers its report', async () => {
  const cancelled = api.planBatch({ planId: 'plan-a', ...refs });
  expect(await api.cancelPlan({ planId: 'plan-a' })).toEqual({ cancelled: true });
  expect(await cancelled).toBeNull();
  expect(await api.cancelPlan({ planId: 'plan-a' })).toEqual({ cancelled: false });
  const report = await api.planBatch({ planId: 'plan-b', ...refs, seeds: 1 });
  expect(report?.predictions[0]?.calls).toBeGreaterThan(0);
}, 120_000);
