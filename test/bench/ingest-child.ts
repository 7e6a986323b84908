// Run by ingest.ts in a fresh process, so peak RSS belongs to the ingest alone: read (parse + map) one batch file
// through the real ingest API and print the timing and the process's peak RSS as JSON.
import { performance } from 'node:perf_hooks';
import { readBatch } from '../../electron/batch/ingest/ingest';

const file = process.argv[2] as string;
const rssBefore = process.resourceUsage().maxRSS;
const t0 = performance.now();
const contents = await readBatch(file);
const ms = performance.now() - t0;
console.log(
  JSON.stringify({
    rows: contents.submissions.length,
    problems: contents.problems.length,
    ms,
    peakRssKb: process.resourceUsage().maxRSS,
    baseRssKb: rssBefore,
  }),
);
