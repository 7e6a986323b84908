// The batch the operator is setting up: the chosen file, its attachments folder and the preview. Kept here, not in
// the intake's component state, so switching screens does not drop them (docs/console.md §6).
import { create } from 'zustand';
import type { BatchPreview, FileRef } from '../../shared/api';

export interface Chosen {
  name: string;
  ref: FileRef;
}

interface Intake {
  file: Chosen | null;
  folder: Chosen | null;
  preview: BatchPreview | null;
  set(patch: Partial<Pick<Intake, 'file' | 'folder' | 'preview'>>): void;
  clear(): void;
}

export const useIntake = create<Intake>((set) => ({
  file: null,
  folder: null,
  preview: null,
  set: (patch) => set(patch),
  clear: () => set({ file: null, folder: null, preview: null }),
}));
