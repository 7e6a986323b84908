// A batch file refused as a whole (docs/domain.md §1): nothing is run for it, and the message says why.
import type { BatchRefusalCode } from '../../../shared/batch';

export class BatchFileError extends Error {
  constructor(
    readonly code: BatchRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'BatchFileError';
  }
}
