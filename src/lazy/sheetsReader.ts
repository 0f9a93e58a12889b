/**
 * Spreadsheet reader (loaded on first use): Excel workbooks through read-excel-file, CSV through
 * Papa Parse. Each sheet becomes Markdown tables of at most ROWS_PER_PASSAGE rows, each with the
 * sheet's header row repeated, located by sheet name and cell range (`Plan!A2:F51`, the header
 * being the first row of the sheet's used range). Empty rows are skipped; empty sheets noted.
 */
import Papa from 'papaparse';
import readXlsxFile from 'read-excel-file/node';
import { columnName, makePassage, TARGET_PASSAGE_CHARS, type Passage } from '../core/passages';
import { readerError, throwIfAborted, type ReaderResult, type ReadFormat } from '../documents/reader';

const ROWS_PER_PASSAGE = 50;

type Cell = string | number | boolean | Date | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  // Markdown table syntax in a cell is data: the pipe is escaped, line breaks flattened.
  return String(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
}

interface SheetRows {
  name: string;
  rows: Cell[][];
}

/** Splits one sheet into passages; `rowOffset`/`colOffset` place the data in the sheet (0-based). */
function sheetPassages(sheet: SheetRows, path: string, start: number, signal?: AbortSignal): Passage[] {
  // The used range: first and last non-empty row and column.
  const filled = (row: Cell[]) => row.some((c) => cellText(c) !== '');
  const rowIndexes = sheet.rows.map((r, i) => (filled(r ?? []) ? i : -1)).filter((i) => i >= 0);
  if (rowIndexes.length === 0) return [];
  let firstCol = Infinity;
  let lastCol = -1;
  for (const i of rowIndexes) {
    sheet.rows[i].forEach((c, j) => {
      if (cellText(c) !== '') {
        firstCol = Math.min(firstCol, j);
        lastCol = Math.max(lastCol, j);
      }
    });
  }
  const line = (row: Cell[]) => `| ${Array.from({ length: lastCol - firstCol + 1 }, (_, j) => cellText(row[firstCol + j])).join(' | ')} |`;
  const headerIndex = rowIndexes[0];
  const header = line(sheet.rows[headerIndex]);
  const rule = `|${' --- |'.repeat(lastCol - firstCol + 1)}`;
  const dataRows = rowIndexes.slice(1);
  const out: Passage[] = [];
  const emit = (rows: number[]) => {
    const a = `${columnName(firstCol + 1)}${rows[0] + 1}`;
    const b = `${columnName(lastCol + 1)}${rows[rows.length - 1] + 1}`;
    const table = [header, rule, ...rows.map((r) => line(sheet.rows[r]))].join('\n');
    out.push(makePassage(start + out.length, table, { kind: 'sheet', path, sheet: sheet.name, range: `${a}:${b}` }));
  };
  if (dataRows.length === 0) {
    emit([headerIndex]);
    return out;
  }
  let chunk: number[] = [];
  let size = header.length;
  for (const r of dataRows) {
    const len = line(sheet.rows[r]).length;
    if (chunk.length && (chunk.length >= ROWS_PER_PASSAGE || size + len > TARGET_PASSAGE_CHARS * 2)) {
      emit(chunk);
      chunk = [];
      size = header.length;
      throwIfAborted(signal);
    }
    chunk.push(r);
    size += len + 1;
  }
  if (chunk.length) emit(chunk);
  return out;
}

function fromSheets(sheets: SheetRows[], path: string, signal?: AbortSignal): ReaderResult {
  const passages: Passage[] = [];
  const empty: string[] = [];
  for (const sheet of sheets) {
    const got = sheetPassages(sheet, path, passages.length + 1, signal);
    if (got.length === 0) empty.push(sheet.name);
    passages.push(...got);
  }
  if (passages.length === 0) throw readerError('no-text', 'has no cells with values: check that you chose the right file.');
  const notes = empty.length ? [`Empty sheets not used: ${empty.join(', ')}.`] : [];
  return { passages, units: sheets.length, notes };
}

export const readXlsx: ReadFormat = async (bytes, path, options = {}) => {
  let sheets: Array<{ sheet: string; data: Cell[][] }>;
  try {
    sheets = (await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) as Array<{ sheet: string; data: Cell[][] }>;
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    throw readerError('corrupt', `is not a readable Excel workbook (${message.slice(0, 120)}): open it in Excel to check it, or save it again as .xlsx (an encrypted workbook must be saved without a password).`);
  }
  throwIfAborted(options.signal);
  return fromSheets(sheets.map((s) => ({ name: s.sheet, rows: s.data })), path, options.signal);
};

export const readCsv: ReadFormat = async (bytes, path, options = {}) => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw readerError('unreadable', 'is not UTF-8 text: save it again as CSV UTF-8.');
  }
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, dynamicTyping: false });
  if (parsed.errors.length && parsed.data.length === 0) throw readerError('corrupt', `is not a readable CSV file (${parsed.errors[0].message}).`);
  const name = path.split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '');
  return fromSheets([{ name, rows: parsed.data }], path, options.signal);
};
