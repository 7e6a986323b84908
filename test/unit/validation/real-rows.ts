// Where the real batch exports live: beside the repo (../shared/data/iic), never copied into it.
// Tests that need them skip with this message when they are absent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const IIC_DIR = path.resolve(repoRoot, '../shared/data/iic');
export const SKIP_MESSAGE = `real batch exports not found at ${IIC_DIR} (../shared beside the repo): skipping real-row tests`;
