// A random pause before a submission's first call (seed Fix 3), so a batch start doesn't hit the provider at once.
import type { EngineConfig } from '../../shared/config';
import { uniform, type Rng } from './rng';

export function staggerDelayMs(cfg: EngineConfig['stagger'], rng: Rng): number {
  return cfg.enabled ? uniform(rng, cfg.minMs, cfg.maxMs) : 0;
}
