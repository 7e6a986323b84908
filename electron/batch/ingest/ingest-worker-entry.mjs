// Starts the ingest worker from TypeScript sources: a worker thread doesn't inherit the loader hooks of
// its parent (tsx in the CLI, vite-node in vitest), so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./ingest-worker.ts');
