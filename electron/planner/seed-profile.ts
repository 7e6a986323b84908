// The seed system's configuration: the baseline the bench measures against and the planner offers as a comparison.
import { DEFAULT_CONFIG, type EngineConfig, type ProviderConfig } from '../../shared/config';

const seeded = (p: ProviderConfig, maxConcurrent: number): ProviderConfig => ({
  ...p,
  maxConcurrent,
  jitter: { ...p.jitter, enabled: true },
  breaker: { ...p.breaker, threshold: 0.05 },
});

export const SEED_PROFILE: EngineConfig = {
  ...DEFAULT_CONFIG,
  providers: { gemini: seeded(DEFAULT_CONFIG.providers.gemini, 2), groq: seeded(DEFAULT_CONFIG.providers.groq, 1) },
  maxWorkers: 6,
};
