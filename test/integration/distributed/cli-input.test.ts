// Bad fleet set-ups get a clear error and start nothing: no REDIS_URL, a REDIS_URL that is not redis://, a Redis
// that is not there (no run is created, nothing is queued), and bad options.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseValidateArgs } from '../../../electron/cli/validate';
import { parseWorkerArgs } from '../../../electron/cli/worker';
import { cliEnv, startCli } from '../../helpers/cli';
import { freePort } from '../../helpers/redis-server';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, query } from '../pipeline/support';

let dir: string;
beforeAll(() => void (dir = mkdtempSync(path.join(tmpdir(), 'ev-fleet-input-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string>) => {
  const e = cliEnv('http://127.0.0.1:9', path.join(dir, 'home'), extra);
  if (!('REDIS_URL' in extra)) delete e.REDIS_URL;
  return e;
};
/** One CLI process start (tsx compiles on the fly): generous, since the machine may be shared and loaded. */
const CLI_TIMEOUT = 120_000;
const validate = (db: string) => ['validate', SAMPLE_BATCH, '--attachments', SAMPLE_ATTACHMENTS, '--db', db, '--distributed'];

describe('fleet set-up errors', () => {
  it(
    'validate --distributed without REDIS_URL: exit 2 naming REDIS_URL, no database created',
    async () => {
      const db = path.join(dir, 'none.db');
      const r = await startCli(validate(db), env({})).exited;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs REDIS_URL/);
      expect(existsSync(db)).toBe(false);
    },
    CLI_TIMEOUT,
  );

  it(
    'a REDIS_URL that is not redis:// is refused with exit 2 (validate and worker)',
    async () => {
      const v = await startCli(validate(path.join(dir, 'bad.db')), env({ REDIS_URL: 'http://127.0.0.1:6379' })).exited;
      expect(v.code).toBe(2);
      expect(v.stderr).toMatch(/REDIS_URL must start with redis:\/\//);
      const w = await startCli(['worker'], env({ REDIS_URL: 'not a url' })).exited;
      expect(w.code).toBe(2);
      expect(w.stderr).toMatch(/REDIS_URL is not a URL/);
    },
    2 * CLI_TIMEOUT,
  );

  it(
    'an unreachable Redis: exit 1 naming host:port but not the password, and no run is created',
    async () => {
      const port = await freePort();
      const url = `redis://:s3cret-pw@127.0.0.1:${port}`;
      const db = path.join(dir, 'down.db');
      const v = await startCli(validate(db), env({ REDIS_URL: url })).exited;
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port}`));
      expect(v.stderr).not.toMatch(/s3cret-pw/);
      expect(query(db, 'SELECT id FROM runs')).toHaveLength(0);
      const w = await startCli(['worker'], env({ REDIS_URL: url })).exited;
      expect(w.code).toBe(1);
      expect(w.stderr).toMatch(/cannot reach Redis/);
      expect(w.stderr).not.toMatch(/s3cret-pw/);
    },
    2 * CLI_TIMEOUT,
  );

  it('bad options: the reason, before anything starts', () => {
    expect(parseWorkerArgs(['--lock-ms', '10'])).toMatch(/--lock-ms must be a whole number ≥ 1000/);
    expect(parseWorkerArgs(['--claim-ms', '999'])).toMatch(/--claim-ms must be a whole number ≥ 1000/);
    expect(parseWorkerArgs(['--lock-ms', '2000'])).toMatchObject({ lockMs: 2000, claimMs: undefined });
    expect(parseWorkerArgs(['--claim-ms', '9000'])).toMatchObject({ claimMs: 9000 });
    expect(parseWorkerArgs(['--concurrency', '0'])).toMatch(/--concurrency must be a whole number 1–64/);
    expect(parseWorkerArgs(['--attachments'])).toMatch(/--attachments needs a value/);
    expect(parseValidateArgs([SAMPLE_BATCH, '--chunk-size', '5'])).toMatch(/--chunk-size goes with --distributed/);
    expect(parseValidateArgs([SAMPLE_BATCH, '--distributed', '--chunk-size', '0'])).toMatch(/--chunk-size must be a whole number ≥ 1/);
    expect(parseValidateArgs([SAMPLE_BATCH, '--distributed', '--chunk-size', '4'])).toMatchObject({ distributed: true, chunkSize: 4 });
  });
});
