// The Electron platform turns drops into absolute paths: a dropped folder directly, a picked folder from its files.
import { describe, expect, it } from 'vitest';
import type { ValidatorApi } from '../../shared/api';
import { electronPlatform } from '../../renderer/platform/electron';

const api = {} as ValidatorApi;

describe('electron platform file refs', () => {
  it("uses a dropped folder's own path", async () => {
    const root = new File([], 'attachments');
    const p = electronPlatform(api, { pathForFile: (f) => (f === root ? '/data/attachments' : '') });
    const ref = await p.refForFolder({ name: 'attachments', root, files: () => Promise.reject(new Error('not walked')) });
    expect(ref).toEqual({ kind: 'path', path: '/data/attachments' });
  });

  it('derives a picked folder from its first file, with either separator', async () => {
    const file = new File(['x'], 'a.pdf');
    for (const [full, root] of [
      ['/data/att/monthlyReport/report/a.pdf', '/data/att'],
      ['C:\\data\\att\\monthlyReport\\report\\a.pdf', 'C:\\data\\att'],
    ] as const) {
      const p = electronPlatform(api, { pathForFile: () => full });
      const ref = await p.refForFolder({ name: 'att', files: async () => [{ file, relativePath: 'monthlyReport/report/a.pdf' }] });
      expect(ref).toEqual({ kind: 'path', path: root });
    }
  });

  it('refuses an empty picked folder with its name', async () => {
    const p = electronPlatform(api, { pathForFile: () => '/x' });
    await expect(p.refForFolder({ name: 'empty', files: async () => [] })).rejects.toThrow('folder "empty" is empty');
  });
});
