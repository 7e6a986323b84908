// Before exceljs sees an XLSX, walk its zip entries and unzip each through a byte counter: a zip bomb (a 300 MB cell
// packed into 300 KB) is refused from its unzipped size or its longest text run, holding one chunk at a time, never
// the whole text. A damaged zip is left for exceljs to report; this only refuses what is too large.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { BatchFileError } from './batch-file-error';
import { cellTooLarge, INGEST_LIMITS, megabytes, sheetPlace, totalTooLarge, type IngestLimits } from './ingest-limits';

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  dataStart: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_DIRECTORY = 16 << 20;
const LT = 0x3c;
const GT = 0x3e;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** The zip's entries from its central directory; null when it has none we can read (exceljs then says why). */
async function zipEntries(fh: FileHandle, size: number, limits: IngestLimits): Promise<Entry[] | null> {
  const tailStart = Math.max(0, size - 65_557); // the end record plus the longest comment
  const tail = await readAt(fh, tailStart, size - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { at = i; break; } // prettier-ignore
  if (at < 0) return null;
  const count = tail.readUInt16LE(at + 10);
  const dirSize = tail.readUInt32LE(at + 12);
  const dirOffset = tail.readUInt32LE(at + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) throw totalTooLarge('it is a ZIP64 workbook (over 4 GB unzipped),', limits.xlsxUnzippedBytes);
  if (dirSize > MAX_DIRECTORY || dirOffset + dirSize > size) return null;
  const dir = await readAt(fh, dirOffset, dirSize);
  const out: Entry[] = [];
  for (let p = 0; p + 46 <= dir.length && dir.readUInt32LE(p) === CENTRAL;) {
    const nameLen = dir.readUInt16LE(p + 28);
    const next = p + 46 + nameLen + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    const local = await readAt(fh, dir.readUInt32LE(p + 42), 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) return null;
    out.push({
      name: dir.toString('utf8', p + 46, p + 46 + nameLen),
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      dataStart: dir.readUInt32LE(p + 42) + 30 + local.readUInt16LE(26) + local.readUInt16LE(28),
    });
    p = next;
  }
  return out;
}

const isSheet = (name: string) => /^xl\/worksheets\/[^/]+\.xml$/i.test(name);
const isSharedStrings = (name: string) => /^xl\/sharedStrings\.xml$/i.test(name);

/**
 * A streaming look at XML: the length of the current text run, the cell (`<c r="B7" t="s">`) it sits in, the
 * index of the current shared string (`<si>`), and the value of a `<v>` (a shared-string index in a `t="s"` cell).
 */
class XmlRuns {
  text = 0;
  cell = '';
  cellType = '';
  shared = -1;
  value: string | null = null;
  private inTag = false;
  private tag = '';

  constructor(
    private readonly onText: (run: XmlRuns) => void,
    private readonly onValue: (run: XmlRuns) => void,
  ) {}

  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length;) {
      if (this.inTag) {
        const gt = chunk.indexOf(GT, i);
        const end = gt === -1 ? chunk.length : gt;
        if (this.tag.length < 256) this.tag += chunk.toString('latin1', i, Math.min(end, i + 256));
        if (gt === -1) return;
        this.closeTag();
        i = gt + 1;
      } else {
        const lt = chunk.indexOf(LT, i);
        const end = lt === -1 ? chunk.length : lt;
        this.text += end - i;
        if (this.value !== null && this.value.length < 32) this.value += chunk.toString('latin1', i, Math.min(end, i + 32));
        this.onText(this);
        if (lt === -1) return;
        this.inTag = true;
        i = lt + 1;
      }
    }
  }

  private closeTag(): void {
    const t = this.tag;
    this.inTag = false;
    this.tag = '';
    this.text = 0;
    if (/^c[\s/]/.test(t)) {
      this.cell = /\br="([A-Z]+\d+)"/.exec(t)?.[1] ?? '';
      this.cellType = /\bt="(\w+)"/.exec(t)?.[1] ?? '';
    } else if (/^si(\s|\/|$)/.test(t)) this.shared++;
    else if (t === 'v') this.value = '';
    else if (t === '/v' && this.value !== null) {
      this.onValue(this);
      this.value = null;
    }
  }
}

async function eachChunk(file: string, e: Entry, fn: (chunk: Buffer) => void): Promise<void> {
  if (e.compressedSize === 0) return;
  const raw = createReadStream(file, { start: e.dataStart, end: e.dataStart + e.compressedSize - 1 });
  const stream: Readable = e.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  try {
    for await (const chunk of stream) fn(chunk as Buffer);
  } catch (err) {
    if (err instanceof BatchFileError) throw err;
    throw new BatchFileError('unreadable', `The XLSX file could not be read: its part ${e.name} is damaged (${(err as Error).message}).`);
  } finally {
    raw.destroy();
    stream.destroy();
  }
}

/** Throws BatchFileError('too_large') for an XLSX over the caps; otherwise resolves and exceljs reads it. */
export async function scanXlsx(file: string, limits: IngestLimits = INGEST_LIMITS): Promise<void> {
  const fh = await open(file, 'r');
  let list: Entry[] | null;
  try {
    list = await zipEntries(fh, (await fh.stat()).size, limits);
  } finally {
    await fh.close();
  }
  if (!list) return;
  // Text runs are bytes of XML: escapes (&amp;) and UTF-8 make them longer than the characters they hold.
  const textCap = limits.cellChars * 4;
  let total = 0;
  const oversizeShared = new Set<number>();
  for (const e of list) {
    const runs = new XmlRuns(
      (r) => {
        if (r.text <= textCap) return;
        if (isSharedStrings(e.name)) oversizeShared.add(r.shared);
        else if (isSheet(e.name) && r.cell) throw cellTooLarge(sheetPlace(r.cell), limits);
        else throw totalTooLarge(`its part ${e.name} holds a run of text`, textCap);
      },
      () => undefined,
    );
    await eachChunk(file, e, (chunk) => {
      total += chunk.length;
      if (total > limits.xlsxUnzippedBytes)
        throw totalTooLarge(`it unzips to more than ${megabytes(limits.xlsxUnzippedBytes)},`, limits.xlsxUnzippedBytes);
      if (/\.xml$/i.test(e.name)) runs.push(chunk);
    });
  }
  if (oversizeShared.size === 0) return;
  // A shared string is named by the first cell that uses it.
  for (const e of list.filter((x) => isSheet(x.name))) {
    const runs = new XmlRuns(
      () => undefined,
      (r) => {
        if (r.cellType === 's' && oversizeShared.has(Number(r.value))) throw cellTooLarge(sheetPlace(r.cell), limits);
      },
    );
    await eachChunk(file, e, (chunk) => runs.push(chunk));
  }
  throw cellTooLarge('A shared text of the workbook', limits);
}
