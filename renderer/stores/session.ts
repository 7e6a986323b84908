// UI navigation state: which screen is open, which run the Batches screen shows, and how many edits the settings
// forms hold unsaved (so leaving the screen can warn before dropping them, docs/console.md §9).
import { create } from 'zustand';

export type Screen = 'dashboard' | 'batches' | 'settings' | 'audit';

interface Session {
  screen: Screen;
  runId: string | null;
  /** Unsaved edits per settings form ("limits", "rules"). */
  unsaved: Record<string, number>;
  go(screen: Screen): void;
  selectRun(runId: string | null): void;
  setUnsaved(form: string, count: number): void;
}

/** Edits not yet saved across the settings forms. */
export const unsavedCount = (s: Pick<Session, 'unsaved'>) => Object.values(s.unsaved).reduce((n, c) => n + c, 0);

export const useSession = create<Session>((set) => ({
  screen: 'dashboard',
  runId: null,
  unsaved: {},
  go: (screen) => set({ screen }),
  selectRun: (runId) => set({ runId }),
  setUnsaved: (form, count) => set((s) => (s.unsaved[form] === count ? s : { unsaved: { ...s.unsaved, [form]: count } })),
}));
