// electron-vite: main (ESM, package.json "main"), the sandboxed preload (one CommonJS file) and the renderer
// (renderer/vite.config.ts, shared with the web host build).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import rendererConfig from './renderer/vite.config';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Native modules: loaded from node_modules at runtime (unpacked from the asar by electron-builder), never bundled. */
export const NATIVE_MODULES = ['better-sqlite3', 'sharp'];

/**
 * Worker-thread entries main starts by file name next to itself (`new URL('./<name>.mjs', import.meta.url)`,
 * as electron/batch/ingest/ingest.ts does): built as extra ESM entries into out/main.
 */
export const MAIN_WORKER_ENTRIES: Readonly<Record<string, string>> = {
  'ingest-worker-entry': at('./electron/batch/ingest/ingest-worker.ts'),
  'plan-worker-entry': at('./electron/planner/plan-worker.ts'),
};

export default defineConfig({
  main: {
    build: {
      outDir: at('./out/main'),
      // Every runtime dependency stays an import from node_modules; the app's own code is bundled.
      externalizeDeps: true,
      rollupOptions: {
        input: { index: at('./electron/main/index.ts'), ...MAIN_WORKER_ENTRIES },
        external: NATIVE_MODULES,
        output: { entryFileNames: (chunk) => (chunk.name in MAIN_WORKER_ENTRIES ? '[name].mjs' : '[name].js') },
      },
    },
  },
  preload: {
    build: {
      outDir: at('./out/preload'),
      // A sandboxed preload can require only 'electron' and a few builtins, and cannot be ESM:
      // bundle everything it uses (shared/ and zod) into a single CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  // The renderer's own config (React plugin, relative base, no inline module-preload polyfill), the same
  // build the web host serves; only the paths are pinned here.
  renderer: {
    ...rendererConfig,
    root: at('./renderer'),
    build: {
      ...rendererConfig.build,
      outDir: at('./out/renderer'),
      rollupOptions: { input: at('./renderer/index.html') },
    },
  },
});
