// Several processes opening one new database at the same moment (CLI runs started together, or beside the app):
// each must come up on the latest schema, none may fail because another is creating or migrating the file.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, schemaVersion } from '../../../electron/store/migrations';
import { tempDir } from '../../unit/store/fixtures';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-store-child.ts');
const PROCESSES = 6;
const ROUNDS = 12;

interface Child {
  process: ChildProcess;
  /** The next answer line. */
  next(): Promise<string>;
}

function startChild(): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let exited: string | null = null;
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  // A child that dies answers with how, instead of leaving the test to time out.
  child.on('exit', (code, signal) => {
    exited = `exited (${signal ?? code})`;
    for (const waiter of waiters.splice(0)) waiter(exited);
  });
  return {
    process: child,
    next: () =>
      new Promise((resolve) => {
        if (lines.length) resolve(lines.shift()!);
        else if (exited) resolve(exited);
        else waiters.push(resolve);
      }),
  };
}

let tmp: ReturnType<typeof tempDir>;
let children: Child[] = [];
beforeAll(async () => {
  tmp = tempDir();
  children = Array.from({ length: PROCESSES }, startChild);
  // Warm up: each child loads the store module before the rounds, so the opens of a round start together.
  const warm = children.map((c, i) => {
    c.process.stdin!.write(`${path.join(tmp.dir, `warm-${i}.db`)}\n`);
    return c.next();
  });
  expect(await Promise.all(warm)).toEqual(children.map(() => 'ok'));
}, 60_000);
afterAll(() => {
  for (const c of children) c.process.kill();
  tmp?.cleanup();
});

describe('one new database opened by several processes at once', () => {
  it('every process opens it, and the file ends on the latest schema', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const file = path.join(tmp.dir, `shared-${round}.db`);
      const answers = await Promise.all(
        children.map((c) => {
          c.process.stdin!.write(`${file}\n`);
          return c.next();
        }),
      );
      expect(answers, `round ${round}`).toEqual(children.map(() => 'ok'));
      const db = new Database(file, { readonly: true });
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      db.close();
    }
  }, 60_000);
});
