// What ingest tells the operator about a batch file before anything runs (docs/domain.md §1, docs/console.md §6).
// The shape matches BatchPreviewSchema in shared/api.ts; ingest adds a few details the UI may show.
import type { Submission } from './domain';

/** The Submission inputs read from a column, in docs/domain.md §1 order. */
export const MAPPED_FIELDS = [
  'id',
  'eventId',
  'title',
  'objectives',
  'learningOutcomes',
  'theme',
  'eventType',
  'durationHours',
  'studentParticipants',
  'facultyParticipants',
  'mode',
  'eventDriven',
  'fromDate',
  'financialYear',
  'academicYear',
  'reportPath',
  'photo1',
  'photo2',
] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

export interface FieldMapping {
  field: MappedField;
  /** The header cell that fed the field, as written in the file; null when no column matched. */
  column: string | null;
  /** A missing required column is a problem; a missing optional one just leaves the field empty. */
  required: boolean;
}

export const BATCH_PROBLEM_KINDS = [
  'missing_column',
  'duplicate_column',
  'blank_id',
  'duplicate_id',
  'unparseable_number',
  'invalid_value',
  'ragged_row',
] as const;
export type BatchProblemKind = (typeof BATCH_PROBLEM_KINDS)[number];

export interface BatchProblem {
  kind: BatchProblemKind;
  /** 1-based data row (header is row 0); null for file-level problems. */
  row: number | null;
  column: string | null;
  message: string;
}

export type BatchFormat = 'csv' | 'xlsx';
/** How CSV bytes were decoded; null for XLSX. */
export type BatchEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252' | null;

/** Why a file is refused as a whole: nothing is run for it. */
export type BatchRefusalCode = 'unreadable' | 'unsupported_format' | 'empty' | 'missing_columns' | 'misaligned' | 'malformed' | 'too_large';

export interface AttachmentSummary {
  root: string;
  reportsFound: number;
  reportsMissing: number;
  photosFound: number;
  photosMissing: number;
}

export interface BatchPreview {
  fileName: string;
  format: BatchFormat;
  encoding: BatchEncoding;
  rowCount: number;
  /** The header as read from the file. */
  columns: string[];
  mapping: FieldMapping[];
  firstRows: Submission[];
  /** The first problems found (at most PREVIEW_PROBLEM_LIMIT); `problemCount` is the total. */
  problems: BatchProblem[];
  problemCount: number;
  /** Attachment look-up over every row, when an attachments root was given. */
  attachments: AttachmentSummary | null;
  /** Set when the file must not run; `refusalCode` says why in one word. */
  refusal: string | null;
  refusalCode: BatchRefusalCode | null;
}

export const PREVIEW_FIRST_ROWS = 20;
export const PREVIEW_PROBLEM_LIMIT = 200;
