// Engine time now: the latest snapshot's time plus the local time since it arrived (no clock skew between processes).
import { useLive } from '../stores';
import { selectReceivedAt, selectSnapshotAt } from '../stores/selectors';
import { useNow } from './useNow';

export function useEngineNow(): number | null {
  const at = useLive(selectSnapshotAt);
  const receivedAt = useLive(selectReceivedAt);
  const now = useNow(1000);
  return at === null || receivedAt === null ? null : at + (now - receivedAt);
}
