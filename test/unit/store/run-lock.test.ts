// The run lock: one live process drives a run; a dead owner's (or a stale) lock is taken over; a released or
// superseded lock never removes someone else's.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunLockedError, STALE_MS } from '../../../electron/store/run-lock';
import { openStore, type Store } from '../../../electron/store/store';
import { newRun, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let now = 1_000;
beforeEach(() => {
  tmp = tempDir();
  now = 1_000;
  store = openStore(path.join(tmp.dir, 'v.db'), { now: () => now });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

/** Stamp a lock as if another process held it. */
function foreignLock(runId: number, pid: number, host: string, heartbeatAt = now) {
  const db = new Database(store.file);
  db.prepare('INSERT OR REPLACE INTO run_locks (run_id, owner_pid, owner_host, token, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    pid,
    host,
    'x',
    heartbeatAt,
    heartbeatAt,
  );
  db.close();
}

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;
const myHost = () => {
  const lock = store.lockRun(store.createRun(newRun()).id);
  const host = (new Database(store.file).prepare('SELECT owner_host FROM run_locks WHERE run_id = ?').get(lock.runId) as { owner_host: string })
    .owner_host;
  lock.release();
  return host;
};

describe('run lock', () => {
  it('a second driver of a live run is refused with the owner named; another run is free', () => {
    const a = store.createRun(newRun());
    const b = store.createRun(newRun());
    store.lockRun(a.id);
    const err = (() => {
      try {
        store.lockRun(a.id);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RunLockedError);
    expect((err as Error).message).toMatch(new RegExp(`run ${a.id} is being driven by another process \\(pid ${process.pid} on .+\\)`));
    expect(() => store.lockRun(b.id)).not.toThrow();
    expect(store.runOwner(a.id), 'this process is not "another process"').toBeNull();
  });

  it('reports a live foreign owner, takes over a dead one and a stale one', () => {
    const host = myHost();
    const live = store.createRun(newRun());
    foreignLock(live.id, process.ppid, host);
    expect(store.runOwner(live.id)).toEqual({ pid: process.ppid, host, heartbeatAt: now });
    expect(() => store.lockRun(live.id)).toThrow(RunLockedError);

    const dead = store.createRun(newRun());
    foreignLock(dead.id, deadPid(), host);
    expect(store.runOwner(dead.id)).toBeNull();
    expect(() => store.lockRun(dead.id)).not.toThrow();

    const elsewhere = store.createRun(newRun());
    foreignLock(elsewhere.id, 1, 'another-host');
    expect(() => store.lockRun(elsewhere.id)).toThrow(/pid 1 on another-host/);
    now += STALE_MS + 1;
    expect(store.runOwner(elsewhere.id)).toBeNull();
    expect(() => store.lockRun(elsewhere.id)).not.toThrow();
  });

  it('heartbeats keep it; release frees it; a superseded lock releasing does not free the new owner', () => {
    const run = store.createRun(newRun());
    const first = store.lockRun(run.id);
    now += STALE_MS - 1;
    first.heartbeat();
    now += STALE_MS - 1;
    expect(() => store.lockRun(run.id)).toThrow(RunLockedError);
    first.release();
    const second = store.lockRun(run.id);
    first.release();
    expect(() => store.lockRun(run.id)).toThrow(RunLockedError);
    second.release();
    expect(() => store.lockRun(run.id)).not.toThrow();
  });
});
