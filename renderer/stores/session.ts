// UI navigation state: which screen is open and which run the Batches screen shows.
import { create } from 'zustand';

export type Screen = 'dashboard' | 'batches' | 'settings' | 'audit';

interface Session {
  screen: Screen;
  runId: string | null;
  go(screen: Screen): void;
  selectRun(runId: string | null): void;
}

export const useSession = create<Session>((set) => ({
  screen: 'dashboard',
  runId: null,
  go: (screen) => set({ screen }),
  selectRun: (runId) => set({ runId }),
}));
