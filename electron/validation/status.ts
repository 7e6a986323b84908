// The status of a scored submission (docs/domain.md §7). Missing inputs send it back to the institution
// (Reopen) whatever the score; otherwise the score decides, and undetermined points make it Review
// when they alone could tip it over the threshold.
import type { Status } from '../../shared/domain';

export const REOPEN_PDF = 'PDF Validation: PDF file missing or could not be read';
export const REOPEN_IMAGES = 'Image Validation: Event photos missing or invalid';

export interface StatusInput {
  pdfReadable: boolean;
  usablePhotos: number;
  score: number;
  undeterminedPoints: number;
  threshold: number;
}

export interface StatusDecision {
  status: Exclude<Status, 'Error'>;
  /** The Reopen reason, which leads "Requirements Not Met". */
  reopenReason?: string;
}

export function decideStatus(s: StatusInput): StatusDecision {
  if (!s.pdfReadable) return { status: 'Reopen', reopenReason: REOPEN_PDF };
  if (s.usablePhotos <= 0) return { status: 'Reopen', reopenReason: REOPEN_IMAGES };
  if (s.score >= s.threshold) return { status: 'Accepted' };
  if (s.score + s.undeterminedPoints < s.threshold) return { status: 'Rejected' };
  return { status: 'Review' };
}
