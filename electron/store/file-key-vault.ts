// API keys live only in the main process, encrypted at rest. Electron encrypts with safeStorage
// (electron/main/safe-storage-key-vault.ts); the headless CLI and web host use this file vault: AES-256-GCM with a
// random master key kept beside it with owner-only permissions. Keys are never logged or sent out.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProviderId } from '../../shared/provider';
import { writeFileAtomicSync } from '../batch/write-atomic';
import { rememberSecret } from '../redact';

export interface KeyVault {
  has(p: ProviderId): boolean;
  get(p: ProviderId): string | undefined;
  set(p: ProviderId, key: string): void;
  clear(p: ProviderId): void;
}

type Sealed = { iv: string; tag: string; data: string };

/** Write a file only its owner can read, atomically (flushed temp file + rename), creating its folder owner-only. */
export function writePrivate(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, data, 0o600);
  chmodSync(file, 0o600);
}

export class FileKeyVault implements KeyVault {
  private readonly file: string;
  private readonly masterFile: string;
  private sealed: Partial<Record<ProviderId, Sealed>> = {};

  constructor(dir: string) {
    this.file = join(dir, 'keys.json');
    this.masterFile = join(dir, 'master.key');
    if (existsSync(this.file)) this.sealed = JSON.parse(readFileSync(this.file, 'utf8')) as typeof this.sealed;
  }

  private master(): Buffer {
    if (!existsSync(this.masterFile)) writePrivate(this.masterFile, randomBytes(32));
    return readFileSync(this.masterFile);
  }

  has(p: ProviderId): boolean {
    return this.sealed[p] !== undefined;
  }

  get(p: ProviderId): string | undefined {
    const s = this.sealed[p];
    if (!s) return undefined;
    const d = createDecipheriv('aes-256-gcm', this.master(), Buffer.from(s.iv, 'base64'));
    d.setAuthTag(Buffer.from(s.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(s.data, 'base64')), d.final()]).toString('utf8');
  }

  set(p: ProviderId, key: string): void {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.master(), iv);
    const data = Buffer.concat([c.update(key, 'utf8'), c.final()]);
    this.sealed[p] = { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
    this.save();
  }

  clear(p: ProviderId): void {
    delete this.sealed[p];
    this.save();
  }

  private save(): void {
    writePrivate(this.file, JSON.stringify(this.sealed));
  }
}

/** Keys from the vault win over the environment (settings > env), per docs/engine.md §11. */
export function resolveKey(vault: KeyVault | undefined, p: ProviderId, env: Record<string, string | undefined>): string | undefined {
  const fromVault = vault?.get(p);
  const key = fromVault || env[`${p.toUpperCase()}_API_KEY`]?.trim() || undefined;
  // A key in use is masked wherever it shows up later (a provider echoing it, say).
  rememberSecret(key);
  return key;
}
