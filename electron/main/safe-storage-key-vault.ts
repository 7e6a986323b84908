// The Electron KeyVault: API keys encrypted with the OS keychain (safeStorage), one file under userData with
// owner-only permissions. Keys are read only by main (for the SDKs); no method of the Api returns them, and
// nothing here logs or exports them. The headless side uses electron/store/file-key-vault.ts (FileKeyVault).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { writePrivate, type KeyVault } from '../store/file-key-vault';
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider';

/** The part of Electron's safeStorage the vault uses; main passes `safeStorage` itself. */
export type KeyCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

export const KEY_FILE_NAME = 'api-keys.safe.json';

export class KeyVaultError extends Error {
  override name = 'KeyVaultError';
}

type Sealed = Partial<Record<ProviderId, string>>;

function readSealed(file: string): Sealed {
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeyVaultError(`The key file ${file} is not valid JSON; remove it and enter the keys again.`);
  }
  const sealed: Sealed = {};
  if (raw && typeof raw === 'object') {
    for (const p of PROVIDER_IDS) {
      const v = (raw as Record<string, unknown>)[p];
      if (typeof v === 'string') sealed[p] = v;
    }
  }
  return sealed;
}

export class SafeStorageKeyVault implements KeyVault {
  private readonly file: string;
  private sealed: Sealed;

  constructor(
    userDataDir: string,
    private readonly cipher: KeyCipher,
  ) {
    this.file = join(userDataDir, KEY_FILE_NAME);
    this.sealed = readSealed(this.file);
  }

  has(p: ProviderId): boolean {
    return this.sealed[p] !== undefined;
  }

  get(p: ProviderId): string | undefined {
    const s = this.sealed[p];
    if (s === undefined) return undefined;
    this.requireEncryption();
    try {
      return this.cipher.decryptString(Buffer.from(s, 'base64'));
    } catch {
      // The OS keychain changed (another user, a reset keyring): the stored key is unreadable, not leaked.
      throw new KeyVaultError(`The stored ${p} key can no longer be decrypted by the OS keychain; enter it again.`);
    }
  }

  set(p: ProviderId, key: string): void {
    if (key.trim() === '') throw new KeyVaultError(`An empty ${p} key was not stored; use clear to remove a key.`);
    this.requireEncryption();
    this.sealed[p] = this.cipher.encryptString(key).toString('base64');
    this.save();
  }

  clear(p: ProviderId): void {
    if (this.sealed[p] === undefined) return;
    delete this.sealed[p];
    this.save();
  }

  private requireEncryption(): void {
    if (!this.cipher.isEncryptionAvailable()) {
      throw new KeyVaultError('OS encryption (safeStorage) is not available, so API keys cannot be stored or read safely.');
    }
  }

  private save(): void {
    writePrivate(this.file, JSON.stringify(this.sealed));
  }
}
