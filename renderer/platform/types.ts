// What the renderer needs from its platform: the Api, and a way to turn a dropped or picked file into a FileRef.
import type { FileRef, ValidatorApi } from '../../shared/api';

/** A folder the operator dropped or picked (the attachments root). */
export interface PickedFolder {
  name: string;
  /** The folder itself, when the browser gave one (a drop); Electron resolves its path directly. */
  root?: File;
  /** Every file under it with its path relative to the folder ("monthlyReport/report/a.pdf"); walked only when needed. */
  files(): Promise<Array<{ file: File; relativePath: string }>>;
}

/** Upload progress, in files (folders) or bytes (a file). */
export type Progress = (done: number, total: number) => void;

export interface Platform {
  api: ValidatorApi;
  refForFile(file: File, onProgress?: Progress): Promise<FileRef>;
  refForFolder(folder: PickedFolder, onProgress?: Progress): Promise<FileRef>;
}
