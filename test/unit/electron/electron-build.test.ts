// Main and the preload as Electron gets them: electron-vite builds both with the real config. The preload bundle
// runs the way a sandboxed preload runs (a CommonJS script whose `require` knows only a few modules; Electron
// is not installed here, so its three preload APIs are recorded stand-ins); main's worker entry runs for real.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { MAIN_WORKER_ENTRIES, NATIVE_MODULES } from '../../../electron.vite.config';
import { COMMAND_NAMES, PRELOAD_GLOBALS } from '../../../shared/api';
import { buildSections } from '../../electron/build-sections';

const work = join(process.cwd(), 'test-results', `electron-build-${process.pid}`);
const outDir = join(work, 'out');
/** What `require` offers a sandboxed preload (Electron docs: sandbox, "Preload scripts"). */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

let bundle = '';

beforeAll(async () => {
  await buildSections(['main', 'preload'], work, outDir);
  bundle = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('built main bundle', () => {
  const mainDir = () => join(outDir, 'main');
  const mainCode = () =>
    readdirSync(mainDir(), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.m?js$/.test(f))
      .map((f) => readFileSync(join(mainDir(), f), 'utf8'))
      .join('\n');

  it('is ESM at package.json "main", importing electron and the native modules instead of bundling them', () => {
    const c = config as { main: { build: { rollupOptions: { external: string[] } } } };
    expect(c.main.build.rollupOptions.external).toEqual(expect.arrayContaining(NATIVE_MODULES));
    const index = readFileSync(join(mainDir(), 'index.js'), 'utf8');
    expect(index).toMatch(/^import .* from "electron";$/m);
    const code = mainCode();
    for (const m of NATIVE_MODULES) expect(code).toMatch(new RegExp(`^import \\w+ from "${m}";$`, 'm'));
    expect(code).not.toMatch(/require\("(better-sqlite3|sharp)"\)/);
  });

  it('ships the ingest worker beside main, where ingest.ts looks for it, and it parses a batch', async () => {
    for (const name of Object.keys(MAIN_WORKER_ENTRIES)) {
      expect(readFileSync(join(mainDir(), 'index.js'), 'utf8') + mainCode()).toContain(`"./${name}.mjs"`);
    }
    const worker = new Worker(join(mainDir(), 'ingest-worker-entry.mjs'), {
      workerData: { op: 'preview', file: join(process.cwd(), 'test/fixtures/sample/batch.csv'), attachmentsRoot: null, attachmentOptions: {} },
    });
    const reply = await new Promise<{ ok: boolean; value?: { format: string; rowCount: number } }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(reply.ok).toBe(true);
    expect(reply.value?.format).toBe('csv');
    expect(reply.value?.rowCount).toBeGreaterThan(0);
  });
});

describe('built preload bundle', () => {
  function load() {
    const exposed = new Map<string, Record<string, unknown>>();
    const required: string[] = [];
    const invoked: [string, unknown][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: async (channel: string, payload: unknown) => {
          invoked.push([channel, payload]);
          return { ok: true, value: [] };
        },
        on: () => undefined,
      },
      webUtils: { getPathForFile: () => '/data/dropped.csv' },
    };
    const module = { exports: {} };
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (!SANDBOX_MODULES.has(id)) throw new Error(`a sandboxed preload cannot require "${id}"`);
      if (id !== 'electron') throw new Error(`unexpected builtin "${id}"`);
      return electron;
    };
    runInNewContext(bundle, { require: sandboxRequire, module, exports: module.exports, console });
    return { exposed, required, invoked };
  }

  it('is a CommonJS script that requires nothing but electron', () => {
    expect(bundle).not.toMatch(/^\s*import\s/m);
    expect(bundle).not.toMatch(/^\s*export\s/m);
    const { required } = load();
    expect([...new Set(required)]).toEqual(['electron']);
  });

  it('exposes exactly the Api and the file bridge', async () => {
    const { exposed, invoked } = load();
    expect([...exposed.keys()].sort()).toEqual([PRELOAD_GLOBALS.api, PRELOAD_GLOBALS.files].sort());
    const api = exposed.get(PRELOAD_GLOBALS.api) ?? {};
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'on'].sort());
    await expect((api.listRuns as (i: unknown) => Promise<unknown>)({})).resolves.toEqual([]);
    expect(invoked).toEqual([['api:listRuns', {}]]);
    const files = exposed.get(PRELOAD_GLOBALS.files) ?? {};
    expect(Object.keys(files)).toEqual(['pathForFile']);
    expect((files.pathForFile as (f: unknown) => string)({})).toBe('/data/dropped.csv');
  });
});
