// Why an attachment couldn't be used, as a value (not a throw): one bad file marks its submission,
// it never stops the batch.
export type ExtractFailureCode = 'missing' | 'empty' | 'too_large' | 'mislabelled' | 'corrupt' | 'encrypted' | 'too_many_pixels';

export interface ExtractFailure {
  ok: false;
  code: ExtractFailureCode;
  /** One plain sentence for "Requirements Not Met" and the detail drawer. */
  reason: string;
}

export function failure(code: ExtractFailureCode, reason: string): ExtractFailure {
  return { ok: false, code, reason };
}
