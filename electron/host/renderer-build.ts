// The renderer build the web host serves: reuse out/renderer when it is newer than every source it is built from,
// else run vite (under a lock, so a `serve` and parallel e2e suites don't clobber each other's output).
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const rendererOut = path.join(repoRoot, 'out', 'renderer');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  // No sources (an installed app ships only the build): the build is as fresh as it gets.
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
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

const STALE_LOCK_MS = 5 * 60_000;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(repoRoot, 'out', '.renderer-build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // A lock older than any build could take was left by a killed process.
      const held = await stat(lock).catch(() => null);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rmdir(lock).catch(() => undefined);
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

/** The renderer's output folder, built first when missing or stale. `log` hears about a build (not about a reuse). */
export async function ensureRendererBuilt(log: (line: string) => void = () => undefined): Promise<string> {
  if (await isFresh()) return rendererOut;
  await withLock(async () => {
    if (await isFresh()) return;
    log('Building the renderer (vite)…');
    // vite is a dev dependency: a checkout has it; without it, say how to build.
    const { build } = await import('vite').catch(() => {
      throw new Error('The renderer is not built and vite is not installed: run `npm ci && npm run build:web`.');
    });
    await build({ configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  });
  return rendererOut;
}
