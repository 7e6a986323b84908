// The Electron platform: the preload's Api, and absolute paths for dropped files (webUtils via the preload).
import type { PreloadFiles, ValidatorApi } from '../../shared/api';
import type { Platform } from './types';

export function electronPlatform(api: ValidatorApi, files: PreloadFiles): Platform {
  return {
    api,
    async refForFile(file) {
      return { kind: 'path', path: files.pathForFile(file) };
    },
    async refForFolder(folder) {
      if (folder.root) return { kind: 'path', path: files.pathForFile(folder.root) };
      // A picked folder (<input webkitdirectory>) gives only its files: strip the relative part off the first one.
      const [first] = await folder.files();
      if (!first) throw new Error(`folder "${folder.name}" is empty`);
      const full = files.pathForFile(first.file);
      const rel = first.relativePath.split('/');
      let root = full;
      for (let i = 0; i < rel.length; i++) root = root.replace(/[\\/][^\\/]*$/, '');
      return { kind: 'path', path: root };
    },
  };
}
