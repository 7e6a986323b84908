// Turn what the operator dropped or picked into a batch file and/or an attachments folder.
// Chromium gives dropped folders as FileSystemDirectoryEntry (webkitGetAsEntry); we walk them lazily.
import type { PickedFolder } from '../../platform';

export const BATCH_FILE = /\.(csv|xlsx)$/i;

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    // readEntries returns at most ~100 entries per call: keep reading until it returns none.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(dir: FileSystemDirectoryEntry, prefix: string, out: Array<{ file: File; relativePath: string }>): Promise<void> {
  for (const entry of await readAll(dir.createReader())) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, rel, out);
    else if (entry.isFile) out.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath: rel });
  }
}

export function folderFromEntry(entry: FileSystemDirectoryEntry, root: File | undefined): PickedFolder {
  return {
    name: entry.name,
    root,
    async files() {
      const out: Array<{ file: File; relativePath: string }> = [];
      await walk(entry, '', out);
      return out;
    },
  };
}

/** From <input webkitdirectory>: paths are "<folder>/<sub>/<file>"; the folder itself is the root. */
export function folderFromInput(list: FileList): PickedFolder | null {
  const files = [...list].map((file) => ({ file, relativePath: file.webkitRelativePath.split('/').slice(1).join('/') }));
  const first = list[0];
  if (!first) return null;
  return { name: first.webkitRelativePath.split('/')[0] ?? 'attachments', files: async () => files.filter((f) => f.relativePath !== '') };
}

/** A drop may hold the batch file, the attachments folder, or both. */
export function fromDrop(dt: DataTransfer): { file: File | null; folder: PickedFolder | null; ignored: string[] } {
  let file: File | null = null;
  let folder: PickedFolder | null = null;
  const ignored: string[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const asFile = item.getAsFile() ?? undefined;
    if (entry?.isDirectory) folder = folderFromEntry(entry as FileSystemDirectoryEntry, asFile);
    else if (asFile && BATCH_FILE.test(asFile.name)) file = asFile;
    else if (asFile) ignored.push(asFile.name);
  }
  return { file, folder, ignored };
}
