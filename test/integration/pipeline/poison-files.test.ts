// Poison-pill batch files through the CLI: a 2 MB CSV cell, a 300 MB cell zipped into a small XLSX, a folder, a FIFO,
// /dev/zero and UTF-16 text. Each is refused with exit 2 and a message naming the problem (and the cell), no run is
// created (so no --resume can trip on it later), no provider is called, and the process never runs out of memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { xlsxBomb } from '../../unit/batch/xlsx-bomb';
import { SAMPLE_ATTACHMENTS, SAMPLE_BATCH, modelCalls, query } from './support';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 13 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-poison-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('poison-pill batch files', () => {
  it('each is refused with exit 2, a message naming it, and no run', async () => {
    const [header, first, ...rest] = readFileSync(SAMPLE_BATCH, 'utf8').split('\n');
    const remark = (header as string).split(',').indexOf('remark');
    const cells = (first as string).split(',');
    cells[remark] = 'x'.repeat(2 << 20);
    const bigCell = path.join(dir, 'big-cell.csv');
    writeFileSync(bigCell, [header, cells.join(','), ...rest].join('\n'));
    const bomb = path.join(dir, 'bomb.xlsx');
    await xlsxBomb(bomb, 300, true);
    expect(statSync(bomb).size).toBeLessThan(2 << 20);
    const folder = path.join(dir, 'folder.csv');
    mkdirSync(folder);
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const utf16 = path.join(dir, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(SAMPLE_BATCH, 'utf8'), 'utf16le')]));

    const cases: Array<[string, string, RegExp]> = [
      ['a 2 MB cell', bigCell, /Row 1, column "remark": the cell holds more than 1 MB of text/],
      ['a 300 MB cell in a small XLSX', bomb, /Cell B2 \(row 2, column B\): the cell holds more than 1 MB of text/],
      ['a folder', folder, /folder\.csv is a folder, not a batch file/],
      ['a FIFO', fifo, /pipe\.csv is not a regular file/],
      ['/dev/zero', '/dev/zero', /\/dev\/zero is not a regular file/],
      ['UTF-16', utf16, /utf16\.csv is UTF-16 text, which is not supported: save it as CSV UTF-8/],
    ];
    const env = cliEnv(sim.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false' });
    const runs = cases.map(([name, batch, message]) => {
      const db = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
      return startCli(['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', db], env).exited.then((r) => ({ name, r, message, db }));
    });
    for (const { name, r, message, db } of await Promise.all(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/\n\s+at |heap out of memory|Invalid string length/);
      expect(query(db, 'SELECT id FROM runs'), name).toEqual([]);
    }
    expect(modelCalls(sim.control.log())).toEqual([]);
  }, 120_000);
});
