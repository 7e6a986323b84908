// What the commands that read a batch (validate, plan) declare alike: one wording in their --help.
import { value } from './args';

export const batchPositional = (what: string) => ({ placeholder: 'BATCH.csv|xlsx', noun: 'batch file', help: `the batch export to ${what}` });
export const ATTACHMENTS = value('--attachments', 'DIR', "the folder the batch's attachment paths are relative to");
export const DB = value('--db', 'FILE', 'the SQLite database (default: the one in the data folder)');
