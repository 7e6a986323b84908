// The web host's downloads carry the export's formula guard: a run whose submitters wrote `=HYPERLINK(...)` and
// `+cmd|...` into their cells, exported from the console (exportResults) and fetched through /api/download, gives a
// CSV whose hostile cells start with `'` and an XLSX with no formula cell.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type ApiService } from '../../../electron/api';
import { TOKEN_HEADER } from '../../../electron/host/auth';
import { createHost, type Host } from '../../../electron/host/host';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { cliEnv, startCli } from '../../helpers/cli';
import { SAMPLE_ATTACHMENTS, byId, exportedRows, sampleSubset } from './support';

const LINK = '=HYPERLINK("http://example.invalid")';
const CMD = "+cmd|' /C calc'!A0";

let sim: Simulator;
let dir: string;
let api: ApiService | null = null;
let host: Host | null = null;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 29 });
  dir = mkdtempSync(path.join(tmpdir(), 'ev-pipeline-download-'));
});
afterAll(async () => {
  await host?.close();
  await api?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('web host downloads', () => {
  it('an exported run fetched through /api/download keeps hostile cells as text, in CSV and XLSX', async () => {
    const batch = sampleSubset(path.join(dir, 'hostile.csv'), ['410007', '410014'], (line) =>
      line.replace('Design Thinking Workshop for Problem Solving', `"${LINK.replaceAll('"', '""')}"`).replace('IPR & Technology Transfer', CMD),
    );
    const db = path.join(dir, 'run.db');
    const run = await startCli(
      ['validate', batch, '--attachments', SAMPLE_ATTACHMENTS, '--db', db],
      cliEnv(sim.baseUrl, path.join(dir, 'home'), { STAGGER_ENABLED: 'false' }),
    ).exited;
    expect(run.code, run.stderr).toBe(0);

    api = await createApi({ userDataDir: path.join(dir, 'console'), dbFile: db, env: {} });
    host = await createHost({ api, port: 0, staticDir: path.join(dir, 'no-static'), log: () => undefined });
    const base = `http://127.0.0.1:${host.port}`;
    const headers = { [TOKEN_HEADER]: host.token, 'content-type': 'application/json' };
    const download = async (format: 'csv' | 'xlsx') => {
      const res = await fetch(`${base}/api/exportResults`, { method: 'POST', headers, body: JSON.stringify({ runId: '1', format }) });
      expect(res.status).toBe(200);
      const { downloadUrl } = (await res.json()) as { downloadUrl: string };
      const file = await fetch(`${base}${downloadUrl}`, { headers: { [TOKEN_HEADER]: headers[TOKEN_HEADER] } });
      expect(file.status).toBe(200);
      return Buffer.from(await file.arrayBuffer());
    };

    const csv = path.join(dir, 'downloaded.csv');
    writeFileSync(csv, await download('csv'));
    const rows = byId((await exportedRows(csv)).rows);
    expect(rows.get('410007')?.activity_name).toBe(`'${LINK}`);
    expect(rows.get('410014')?.event_theme).toBe(`'${CMD}`);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('xlsx')) as unknown as ArrayBuffer);
    const cells: ExcelJS.Cell[] = [];
    wb.worksheets[0]?.eachRow((row) => row.eachCell((c) => cells.push(c)));
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const texts = cells.map((c) => String(c.value));
    expect(texts).toContain(`'${LINK}`);
    expect(texts).toContain(`'${CMD}`);
  }, 120_000);
});
