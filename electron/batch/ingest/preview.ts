// The preview the operator sees before starting (docs/console.md §6): mapped columns, row count, the first
// rows, the problems, and, for a refused file, why.
import path from 'node:path';
import { PREVIEW_FIRST_ROWS, PREVIEW_PROBLEM_LIMIT, type AttachmentSummary, type BatchPreview } from '../../../shared/batch';
import { COLUMN_SPECS } from '../../validation/mapping';
import type { BatchFileError } from './batch-file-error';
import type { LoadedBatch } from './load-batch';

export function previewOf(file: string, loaded: LoadedBatch, attachments: AttachmentSummary | null): BatchPreview {
  return {
    fileName: path.basename(file),
    format: loaded.table.format,
    encoding: loaded.table.encoding,
    rowCount: loaded.table.rows.length,
    columns: loaded.table.columns,
    mapping: loaded.map.mapping,
    firstRows: loaded.submissions.slice(0, PREVIEW_FIRST_ROWS),
    problems: loaded.problems.slice(0, PREVIEW_PROBLEM_LIMIT),
    problemCount: loaded.problems.length,
    attachments,
    refusal: null,
    refusalCode: null,
  };
}

export function refusedPreview(file: string, err: BatchFileError): BatchPreview {
  return {
    fileName: path.basename(file),
    format: /\.xlsx$/i.test(file) ? 'xlsx' : 'csv',
    encoding: null,
    rowCount: 0,
    columns: [],
    mapping: COLUMN_SPECS.map((s) => ({ field: s.field, column: null, required: s.required })),
    firstRows: [],
    problems: [],
    problemCount: 0,
    attachments: null,
    refusal: err.message,
    refusalCode: err.code,
  };
}
