// The engine's public surface: what the batch runner, the Api, the CLI and the benchmark import.
export type { ProviderAdapter } from './adapter';
export { Budget } from './budget';
export { RealClock, VirtualClock, type Clock } from './clock';
export { Engine, MAX_AUTO_WORKERS, type EngineOptions, type RoutedResult } from './engine';
export { EventBus } from './events';
export { WorkerPool, type PoolOutcome, type PoolStats } from './pool';
export { lognormal, seededRng, systemRng, uniform, type Rng } from './rng';
export { SnapshotAggregator, type BatchProgress } from './telemetry';
export { QuotaError } from './limiter/limiter';
