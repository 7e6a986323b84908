// Atomic writes leave no temp file behind, and a hidden temp file left by a killed writer (pid gone) is removed on
// the next write to the same target; a live writer's temp file and other files are left alone.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../../electron/batch/write-atomic';
import { tempDir } from '../store/fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('atomic writes', () => {
  it('a killed writer’s hidden temp file is cleaned on the next write; others are kept', async () => {
    const file = path.join(tmp.dir, 'results.csv');
    const dead = `.results.csv.${deadPid()}.0badc0de.tmp`;
    const live = `.results.csv.${process.ppid}.0badc0de.tmp`;
    const other = `.other.csv.${deadPid()}.0badc0de.tmp`;
    for (const n of [dead, live, other]) writeFileSync(path.join(tmp.dir, n), 'half');
    await writeFileAtomic(file, Buffer.from('complete'));
    expect(readFileSync(file, 'utf8')).toBe('complete');
    expect(readdirSync(tmp.dir).sort()).toEqual([live, other, 'results.csv'].sort());
  });

  it('the sync flavour (key file): owner-only mode, stale temp cleaned, nothing else left', () => {
    const file = path.join(tmp.dir, 'keys.json');
    writeFileSync(path.join(tmp.dir, `.keys.json.${deadPid()}.00000000.tmp`), '{');
    writeFileAtomicSync(file, '{"a":1}', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp.dir)).toEqual(['keys.json']);
  });
});
