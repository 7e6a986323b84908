// Build the renderer once for the e2e suites: reuse out/renderer when it is newer than every source it is built
// from, else run vite (under a lock, so parallel suites don't clobber each other's output).
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const rendererOut = path.join(repoRoot, 'out', 'renderer');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(path.join(rendererOut, 'index.html')).catch(() => null);
  if (!built) return false;
  const sources = Math.max(await newestMtime(path.join(repoRoot, 'renderer')), await newestMtime(path.join(repoRoot, 'shared')));
  return built.mtimeMs > sources;
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(repoRoot, 'out', '.renderer-build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`renderer build lock ${lock} held for over 2 minutes; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock);
  }
}

export async function ensureRendererBuilt(): Promise<string> {
  if (await isFresh()) return rendererOut;
  await withLock(async () => {
    if (await isFresh()) return;
    const { build } = await import('vite');
    await build({ configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  });
  return rendererOut;
}
