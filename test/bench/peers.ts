// The peer libraries as their docs configure them for an RPM limit. Both run on real timers (neither documents a
// pluggable clock), so the bench runs them on a ScaledClock: every interval is given in real milliseconds.
import Bottleneck from 'bottleneck';
import PQueue from 'p-queue';
import { effective, type ProviderConfig } from '../../shared/config';
import type { LatencyModel } from '../../electron/planner/modelled-provider';
import type { ScaledClock } from '../helpers/scaled-clock';

export type PeerName = 'bottleneck' | 'p-queue';

export interface PeerLimiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  stop(): void;
}

/** Calls in flight to sustain the RPM at the p90 latency (Little's law), the same sizing our auto mode uses. */
export function peerConcurrency(rpm: number, latency: LatencyModel): number {
  const p90 = latency.medianMs * Math.exp(1.2816 * latency.sigma);
  return Math.max(1, Math.ceil((rpm * p90) / 60_000));
}

export function peerLimiter(peer: PeerName, cfg: ProviderConfig, latency: LatencyModel, clock: ScaledClock): PeerLimiter {
  const rpm = Math.floor(effective(cfg.rpm, cfg.safetyFactor));
  const concurrency = peerConcurrency(rpm, latency);
  const minute = clock.real(60_000);
  if (peer === 'bottleneck') {
    // Bottleneck's documented RPM recipe: a reservoir of `limit` refilled to `limit` every 60 s, plus maxConcurrent.
    // Its refresh is polled every heartbeatInterval (250 ms by default): scaled like every other interval.
    const b = new Bottleneck({
      reservoir: rpm,
      reservoirRefreshAmount: rpm,
      reservoirRefreshInterval: minute,
      maxConcurrent: concurrency,
      heartbeatInterval: Math.max(1, clock.real(250)),
    });
    return { schedule: (fn) => b.schedule(fn), stop: () => void b.disconnect() };
  }
  // p-queue's documented rate limit: at most intervalCap starts per interval, plus concurrency.
  const q = new PQueue({ concurrency, intervalCap: rpm, interval: minute });
  return { schedule: (fn) => q.add(fn, { throwOnTimeout: true }), stop: () => q.clear() };
}
