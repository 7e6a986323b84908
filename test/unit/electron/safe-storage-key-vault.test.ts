// The Electron key vault over a real cipher (AES-256-GCM standing in for the OS keychain behind safeStorage).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, KeyVaultError, SafeStorageKeyVault, type KeyCipher } from '../../../electron/main/safe-storage-key-vault';

const SECRET = 'AIzaSy-live-0123456789abcdef-SECRET';

function aesCipher(available = true, master = randomBytes(32)): KeyCipher {
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', master, iv);
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), data]);
    },
    decryptString(sealed) {
      const d = createDecipheriv('aes-256-gcm', master, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const dir = () => mkdtempSync(join(tmpdir(), 'ev-safe-vault-'));

describe('SafeStorageKeyVault', () => {
  it('round-trips keys across restarts, encrypted in one owner-only file', () => {
    const d = dir();
    const cipher = aesCipher();
    const v = new SafeStorageKeyVault(d, cipher);
    expect(v.has('gemini')).toBe(false);
    expect(v.get('gemini')).toBeUndefined();
    v.set('gemini', SECRET);
    const again = new SafeStorageKeyVault(d, cipher);
    expect(again.has('gemini')).toBe(true);
    expect(again.has('groq')).toBe(false);
    expect(again.get('gemini')).toBe(SECRET);
    expect(readdirSync(d)).toEqual([KEY_FILE_NAME]);
    const file = join(d, KEY_FILE_NAME);
    expect(readFileSync(file).includes(SECRET)).toBe(false);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('clears a key for good', () => {
    const d = dir();
    const cipher = aesCipher();
    const v = new SafeStorageKeyVault(d, cipher);
    v.set('groq', SECRET);
    v.clear('groq');
    expect(new SafeStorageKeyVault(d, cipher).has('groq')).toBe(false);
  });

  it('refuses to store when OS encryption is unavailable, and writes nothing', () => {
    const d = dir();
    const v = new SafeStorageKeyVault(d, aesCipher(false));
    expect(() => v.set('groq', SECRET)).toThrow(KeyVaultError);
    expect(() => v.set('groq', SECRET)).toThrow(/safeStorage\) is not available/);
    expect(existsSync(join(d, KEY_FILE_NAME))).toBe(false);
  });

  it('refuses an empty key', () => {
    expect(() => new SafeStorageKeyVault(dir(), aesCipher()).set('groq', '  ')).toThrow(/empty groq key/);
  });

  it('reports a key the keychain can no longer decrypt, without any key material in the message', () => {
    const d = dir();
    new SafeStorageKeyVault(d, aesCipher()).set('gemini', SECRET);
    const other = new SafeStorageKeyVault(d, aesCipher(true, randomBytes(32)));
    expect(other.has('gemini')).toBe(true);
    let message = '';
    try {
      other.get('gemini');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/gemini key can no longer be decrypted/);
    expect(message).not.toContain(SECRET);
  });

  it('names a corrupt key file', () => {
    const d = dir();
    writeFileSync(join(d, KEY_FILE_NAME), '{not json');
    expect(() => new SafeStorageKeyVault(d, aesCipher())).toThrow(new RegExp(`${KEY_FILE_NAME} is not valid JSON`));
  });
});
