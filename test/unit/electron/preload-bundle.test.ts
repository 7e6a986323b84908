// The preload as Electron gets it: electron-vite builds electron/preload/index.ts with the real config, and the
// bundle is run the way a sandboxed preload runs: a CommonJS script whose `require` knows only a few modules.
// Electron itself is not installed here, so its three preload APIs are recorded stand-ins.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { NATIVE_MODULES } from '../../../electron.vite.config';
import { COMMAND_NAMES, PRELOAD_GLOBALS } from '../../../shared/api';
import { buildSections } from '../../electron/build-sections';

const work = join(process.cwd(), 'test-results', `electron-preload-${process.pid}`);
const outDir = join(work, 'out');
/** What `require` offers a sandboxed preload (Electron docs: sandbox, "Preload scripts"). */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

let bundle = '';

beforeAll(async () => {
  await buildSections(['preload'], work, outDir);
  bundle = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-vite config', () => {
  const c = config as { main: { build: { rollupOptions: { external: string[] } } } };
  it('keeps the native modules external to the main bundle', () => {
    expect(c.main.build.rollupOptions.external).toEqual(expect.arrayContaining(NATIVE_MODULES));
    expect(NATIVE_MODULES).toEqual(['better-sqlite3', 'sharp']);
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
