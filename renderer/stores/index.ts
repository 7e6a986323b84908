// The app's live store, wired to this platform's Api, and the hook components read it through.
import { useStore } from 'zustand';
import { api } from '../platform';
import { nextFrame } from './frame';
import { createLiveStore, type LiveState } from './live';

export const live = createLiveStore(nextFrame, () => Date.now());
live.connect(api);

/** Read one narrow slice of the live state; never pass an identity selector. */
export function useLive<T>(selector: (s: LiveState) => T): T {
  return useStore(live.store, selector);
}
