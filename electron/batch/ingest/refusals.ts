// The ingest side's refusals in the operator's terms (docs/console.md §6): what is wrong with which file, in
// units a person reads (MiB, line numbers), and what to do about it. One place, so the wording stays consistent.

/** 268435456 → "256 MiB", 3.5e6 → "3.3 MiB", 5000 → "4.9 KiB". */
export function mebibytes(n: number): string {
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(n < 10 << 20 ? 1 : 0)} MiB`;
}

/** A browser upload over the web console's size cap (docs/console.md §6): the file, its size, the cap and what to do. */
export function uploadTooLarge(name: string, bytes: number, limit: number): string {
  return (
    `${name} is ${mebibytes(bytes)}, over the ${mebibytes(limit)} limit for a file uploaded to the web console. ` +
    'Split it into smaller batch files, or validate it with the desktop app or the CLI (event-validator validate), which read it in place.'
  );
}

/** Uploads of this launch together over their cap: restarting the web host frees the space. */
export function uploadsOverTotal(name: string, limit: number): string {
  return `${name} was not uploaded: this web console's uploads together reached their ${mebibytes(limit)} limit. Restart the web host to clear them.`;
}

/** None of the required columns in the first line; `headerLine` (1-based) is where a header seems to start, if anywhere. */
export function noRequiredColumns(missing: readonly string[], headerLine: number | null, firstLine: string): string {
  if (headerLine !== null) {
    const above = headerLine === 2 ? 'line 1' : `lines 1 to ${headerLine - 1}`;
    return (
      `The header looks like it is on line ${headerLine}: line 1 reads "${firstLine}", not column names. ` +
      `Delete ${above} so that the header is the first line, and load the file again; nothing was run.`
    );
  }
  return `The header has none of the required columns. Missing: ${missing.join(', ')}. Is this an event export?`;
}
