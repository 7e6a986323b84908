import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyVault, resolveKey } from '../../../electron/store/file-key-vault';

const SECRET = 'gsk_live_0123456789abcdefSECRET';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'ev-vault-'));
}

describe('FileKeyVault', () => {
  it('round-trips a key and keeps it encrypted on disk with owner-only files', () => {
    const d = dir();
    const v = new FileKeyVault(d);
    expect(v.has('groq')).toBe(false);
    v.set('groq', SECRET);
    expect(new FileKeyVault(d).get('groq')).toBe(SECRET);
    for (const f of readdirSync(d)) {
      expect(readFileSync(join(d, f)).includes(SECRET)).toBe(false);
      if (process.platform !== 'win32') expect(statSync(join(d, f)).mode & 0o077).toBe(0);
    }
  });

  it('clears a key', () => {
    const d = dir();
    const v = new FileKeyVault(d);
    v.set('gemini', SECRET);
    v.clear('gemini');
    expect(new FileKeyVault(d).has('gemini')).toBe(false);
  });

  it('refuses a tampered key file instead of returning garbage', () => {
    const d = dir();
    new FileKeyVault(d).set('gemini', SECRET);
    const file = join(d, 'keys.json');
    const sealed = JSON.parse(readFileSync(file, 'utf8'));
    sealed.gemini.data = Buffer.from('not the key').toString('base64');
    writeFileSync(file, JSON.stringify(sealed));
    expect(() => new FileKeyVault(d).get('gemini')).toThrow();
  });

  it('prefers the vault over the environment', () => {
    const v = new FileKeyVault(dir());
    expect(resolveKey(v, 'gemini', { GEMINI_API_KEY: 'from-env' })).toBe('from-env');
    v.set('gemini', 'from-vault');
    expect(resolveKey(v, 'gemini', { GEMINI_API_KEY: 'from-env' })).toBe('from-vault');
    expect(resolveKey(undefined, 'groq', { GROQ_API_KEY: '  ' })).toBeUndefined();
  });
});
