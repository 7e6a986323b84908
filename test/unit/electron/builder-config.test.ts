// electron-builder.yml is valid for electron-builder itself (its own schema validator) and keeps the
// hardening: fuses, native modules unpacked from the asar, the three platforms' targets.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = process.cwd();
// js-yaml and the validator ship with electron-builder; resolve them through it (no extra dependency).
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
}

const config = yaml.load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const quiet = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    await expect(validateConfiguration(config, quiet)).resolves.toBeUndefined();
  });

  it('the validator really rejects a misspelt fuse (so the check above means something)', async () => {
    const bad = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(bad, quiet)).rejects.toThrow(/electronFuses/);
  });

  it('burns in the hardening fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('packs into an asar with the native modules unpacked and rebuilt for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/{better-sqlite3,sharp,@img}/**');
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the build output only, without sources, tests or source maps', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!**/*.map']));
    expect(config.files.some((f) => f.startsWith('!') && f.includes('ts'))).toBe(true);
    expect(config.files.some((f) => f.startsWith('!') && f.includes('test'))).toBe(true);
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/**', 'package.json']);
  });

  it('targets AppImage + deb, NSIS and a hardened, entitled dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      expect(existsSync(join(repo, file))).toBe(true);
      expect(readFileSync(join(repo, file), 'utf8')).toContain('com.apple.security.cs.allow-jit');
    }
  });

  it('matches package.json: its main is the electron-vite main output', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
  });
});
