// The XLSX flavour of the export: one sheet, header row, original cells as text (ids and codes keep
// their exact form), scores as numbers. Loaded on demand by export.ts, so only XLSX exports load exceljs.
import ExcelJS from 'exceljs';
import type { ExportTable } from './export-table';

export const SHEET_NAME = 'Results';

export async function xlsxBytes(table: ExportTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET_NAME);
  ws.addRow(table.header);
  for (const r of table.rows) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
