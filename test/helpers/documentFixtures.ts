/**
 * Real documents of every supported format, made by the tests themselves (PDF with pdf-lib,
 * Word with docx, Excel with exceljs, PowerPoint with pptxgenjs), including hostile ones: an
 * encrypted PDF, an image-only PDF, a corrupt .docx, an image-only deck.
 */
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import PptxGenJS from 'pptxgenjs';

/** A PDF with one page per entry, each page holding the given lines of text. */
export async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 790 - i * 16, size: 11, font }));
  }
  return doc.save();
}

/** A PDF whose pages carry only a drawn shape: no text layer (as a scan would). */
export async function makeImageOnlyPdf(pages = 2): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawRectangle({ x: 50, y: 50, width: 200, height: 100, color: rgb(0.2, 0.4, 0.6) });
  return doc.save();
}

/**
 * A PDF encrypted with the standard security handler (RC4, revision 3) whose user password is
 * not empty: a reader needs the password to open it.
 */
export function makeEncryptedPdf(): Uint8Array {
  const hex = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, '0')).join('');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    '<< /Length 16 >>\nstream\n0123456789abcdef\nendstream',
    `<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${hex(32, 11)}> /U <${hex(32, 97)}> >>`,
  ];
  let body = '%PDF-1.6\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${hex(16, 3)}> <${hex(16, 3)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export interface DocxSection {
  heading: string;
  level?: 1 | 2 | 3;
  paragraphs: string[];
}

const LEVELS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/** A Word document: headings (levels 1–3), each followed by its paragraphs. */
export async function makeDocx(sections: DocxSection[], intro: string[] = []): Promise<Uint8Array> {
  const children = [
    ...intro.map((t) => new Paragraph({ text: t })),
    ...sections.flatMap((s) => [new Paragraph({ text: s.heading, heading: LEVELS[s.level ?? 1] }), ...s.paragraphs.map((t) => new Paragraph({ text: t }))]),
  ];
  const doc = new Document({ sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** Bytes that start like a zip (a .docx is one) and then break off. */
export function makeCorruptDocx(): Uint8Array {
  const bytes = new Uint8Array(600);
  bytes.set([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = (i * 131) % 251;
  return bytes;
}

export interface SheetSpec {
  name: string;
  rows: Array<Array<string | number | null>>;
  /** Top-left cell of the data, as [row, column] (1-based); default [1, 1]. */
  origin?: [number, number];
}

/** An Excel workbook with the given sheets. */
export async function makeXlsx(sheets: SheetSpec[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(spec.name);
    const [r0, c0] = spec.origin ?? [1, 1];
    spec.rows.forEach((row, r) =>
      row.forEach((value, c) => {
        if (value !== null) ws.getCell(r0 + r, c0 + c).value = value;
      }),
    );
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A workbook with one sheet of `rows` data rows (and a header row). */
export async function makeLargeXlsx(rows: number): Promise<Uint8Array> {
  const data: Array<Array<string | number>> = [['Region', 'Product', 'Month', 'Units', 'Revenue EUR']];
  for (let i = 1; i <= rows; i++) data.push([`Region ${i % 17}`, `Sensor ${i % 23}`, `2025-${String((i % 12) + 1).padStart(2, '0')}`, i % 1000, (i * 37) % 100000]);
  return makeXlsx([{ name: 'Sales', rows: data }]);
}

export interface SlideSpec {
  title?: string;
  text?: string[];
  notes?: string;
  /** Put only an image on the slide. */
  imageOnly?: boolean;
}

// A 1×1 PNG.
const PNG = 'image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A PowerPoint deck. */
export async function makePptx(slides: SlideSpec[]): Promise<Uint8Array> {
  const pptx = new PptxGenJS();
  // A master with a title placeholder, as real decks have: the title is marked as such.
  pptx.defineSlideMaster({
    title: 'TITLED',
    objects: [{ placeholder: { options: { name: 'title', type: 'title', x: 0.5, y: 0.3, w: 9, h: 1 }, text: '' } }],
  });
  for (const spec of slides) {
    const slide = pptx.addSlide({ masterName: 'TITLED' });
    if (spec.imageOnly) {
      slide.addImage({ data: PNG, x: 1, y: 1, w: 3, h: 2 });
      continue;
    }
    if (spec.title) slide.addText(spec.title, { placeholder: 'title', x: 0.5, y: 0.3, w: 9, h: 1, fontSize: 28 });
    if (spec.text?.length) slide.addText(spec.text.map((t) => ({ text: t, options: { breakLine: true } })), { x: 0.5, y: 1.5, w: 9, h: 4 });
    if (spec.notes) slide.addNotes(spec.notes);
  }
  const out = (await pptx.write({ outputType: 'nodebuffer' })) as Buffer;
  return new Uint8Array(out);
}
