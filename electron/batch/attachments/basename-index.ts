// Every file under the attachments root by its base name, built once per batch for the last resolution
// step (docs/domain.md §2 (c)). Symlinked folders are not followed: they could lead out of the root or loop.
import { opendir } from 'node:fs/promises';
import path from 'node:path';

export type BasenameIndex = ReadonlyMap<string, readonly string[]>;

export async function buildBasenameIndex(root: string): Promise<BasenameIndex> {
  const index = new Map<string, string[]>();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      continue; // unreadable folder: its files just can't be found
    }
    for await (const entry of handle) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const list = index.get(entry.name);
        if (list) list.push(full);
        else index.set(entry.name, [full]);
      }
    }
  }
  return index;
}
