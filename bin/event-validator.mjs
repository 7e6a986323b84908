#!/usr/bin/env node
// The headless entry point. Runs the TypeScript sources directly (tsx), so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli.ts');
