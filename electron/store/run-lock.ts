// The run lock: one process drives a run at a time. The owner (pid, host) stamps a heartbeat; another process may
// take the run over only when the owner is gone: its pid is dead on this host, or its heartbeat went stale (another
// host, a hung process, a reused pid). Taken in an IMMEDIATE transaction, so two processes can't both win.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './db';

/** Owners heartbeat every HEARTBEAT_MS; a lock not stamped for STALE_MS belongs to nobody. */
export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 60_000;

export interface RunOwner {
  pid: number;
  host: string;
  heartbeatAt: number;
}

export interface RunLock {
  readonly runId: number;
  heartbeat(): void;
  release(): void;
}

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    readonly runId: number,
    readonly owner: RunOwner,
  ) {
    super(`run ${runId} is being driven by another process (pid ${owner.pid} on ${owner.host}); wait for it to end or stop that process`);
  }
}

interface LockRow {
  owner_pid: number;
  owner_host: string;
  token: string;
  heartbeat_at: number;
}

/** Whether a process with this pid runs on this host. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, only not ours to signal
  }
}

export class RunLocks {
  private readonly host = hostname();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  private live(row: LockRow | undefined): RunOwner | null {
    if (!row) return null;
    if (this.now() - row.heartbeat_at > STALE_MS) return null;
    if (row.owner_host === this.host && !pidAlive(row.owner_pid)) return null;
    return { pid: row.owner_pid, host: row.owner_host, heartbeatAt: row.heartbeat_at };
  }

  private row(runId: number): LockRow | undefined {
    return this.db.prepare('SELECT owner_pid, owner_host, token, heartbeat_at FROM run_locks WHERE run_id = ?').get(runId) as LockRow | undefined;
  }

  /** The live owner of a run, when a process other than this one drives it. */
  otherOwner(runId: number): RunOwner | null {
    const owner = this.live(this.row(runId));
    return owner && !(owner.pid === process.pid && owner.host === this.host) ? owner : null;
  }

  /** Take the run, or throw RunLockedError naming the live owner. */
  acquire(runId: number): RunLock {
    const token = randomBytes(8).toString('hex');
    this.db
      .transaction(() => {
        const owner = this.live(this.row(runId));
        if (owner) throw new RunLockedError(runId, owner);
        const at = this.now();
        this.db
          .prepare(
            `INSERT INTO run_locks (run_id, owner_pid, owner_host, token, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (run_id) DO UPDATE SET owner_pid = excluded.owner_pid, owner_host = excluded.owner_host, token = excluded.token,
               acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
          )
          .run(runId, process.pid, this.host, token, at, at);
      })
      .immediate();
    const mine = this.db.prepare('UPDATE run_locks SET heartbeat_at = ? WHERE run_id = ? AND token = ?');
    const drop = this.db.prepare('DELETE FROM run_locks WHERE run_id = ? AND token = ?');
    return {
      runId,
      heartbeat: () => void mine.run(this.now(), runId, token),
      release: () => void drop.run(runId, token),
    };
  }
}
