// The two real exports through the CLI with an empty attachments folder: they ingest cleanly, every row comes back
// Reopen for its missing report with its input cells intact, and no provider is called.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../../electron/batch/ingest/ingest-csv';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, repoRoot, startCli } from '../../helpers/cli';
import { ADDED_COLUMNS, REOPEN_PDF, exportedRows, query } from './support';

const IIC = path.resolve(repoRoot, '../shared/data/iic');
const present = existsSync(IIC);

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 2 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-iic-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the real exports with no attachments', () => {
  it.runIf(present).each(['test_data_10.csv', 'test_data_500_from_200.csv'])(
    '%s: every row Reopen for its PDF, cells kept, zero provider calls',
    async (name) => {
      const empty = path.join(dir, `attachments-${name}`);
      mkdirSync(empty);
      const db = path.join(dir, `${name}.db`);
      const out = path.join(dir, `${name}.out.csv`);
      const r = await startCli(
        ['validate', path.join(IIC, name), '--attachments', empty, '--out', out, '--db', db],
        cliEnv(sim.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false' }),
      ).exited;
      expect(r.code, r.stderr).toBe(0);

      const input = await readCsv(path.join(IIC, name));
      const { columns, rows } = await exportedRows(out);
      expect(columns).toEqual([...input.columns, ...ADDED_COLUMNS]);
      expect(rows).toHaveLength(input.rows.length);
      rows.forEach((row, i) => {
        expect(
          input.columns.map((c) => row[c]),
          `row ${i + 1}`,
        ).toEqual(input.rows[i]?.map((c) => (/^(nan|null)$/i.test(c.trim()) ? '' : c)));
        expect(row, `row ${i + 1}`).toMatchObject({ Status: 'Reopen', Provider: 'none', 'PDF Score': '0', 'Image Score': '0' });
        // The Reopen reason leads; deterministic failures of the row (level, participants) may follow it.
        expect(row['Requirements Not Met']?.split('; ')[0], `row ${i + 1}`).toBe(REOPEN_PDF);
        expect(row['Requirements Not Met'], `row ${i + 1}`).not.toContain('Image Validation');
        for (const v of Object.values(row)) expect(v.toLowerCase(), `row ${i + 1}`).not.toBe('nan');
      });
      expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM submissions')).toEqual([{ n: input.rows.length }]);
      expect(query(db, 'SELECT id FROM calls')).toEqual([]);
      expect(sim.control.log()).toEqual([]);
    },
    120_000,
  );
  it.skipIf(present)('skipped: ../shared/data/iic is not beside this clone (the real exports are not part of the repo)', () => undefined);
});
