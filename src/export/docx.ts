/**
 * Writes the export model as a Word document (.docx) with the `docx` library.
 *
 * Owns: the title page (title, date, language, framework, template, analysts, the demo label),
 * headings, paragraphs with bold/italic/strikethrough/code, bullet and numbered lists, tables,
 * block quotes, and citations as real Word footnotes: every `[n]` in the text becomes a footnote
 * naming source n (its title, date, location, level and whether it is verified) and the quoted
 * evidence of that citation — the quote it links to in the Sources section, else all the
 * source's quotes — with where each stands; a web source's URL is a hyperlink; the Sources list
 * closes the document. Must not: read markdown
 * (readDocument.ts) or touch the file system (the caller writes the bytes).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  FootnoteReferenceRun,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { languageName } from '../core/language';
import type { SourceEntry } from '../core/sourcesSection';
import type { AnalysisDocument, Block, Inline } from './model';

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
const ORDERED = 'ordered-list';
const QUOTE_STYLE = 'AnalysisQuote';
const CODE_FONT = 'Consolas';

interface WriteContext {
  doc: AnalysisDocument;
  footnotes: Record<string, { children: Paragraph[] }>;
  nextFootnote: number;
  nextListInstance: number;
}

function runs(ctx: WriteContext, inlines: Inline[], inLink = false): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const i of inlines) {
    if (i.kind === 'text') {
      out.push(
        new TextRun({
          text: i.text,
          bold: i.bold,
          italics: i.italic,
          strike: i.strike,
          font: i.code ? CODE_FONT : undefined,
          style: inLink ? 'Hyperlink' : undefined,
        }),
      );
    } else if (i.kind === 'break') {
      out.push(new TextRun({ break: 1 }));
    } else if (i.kind === 'link') {
      if (inLink) out.push(...runs(ctx, i.children, true));
      else out.push(new ExternalHyperlink({ link: i.href, children: runs(ctx, i.children, true) as TextRun[] }));
    } else {
      const source = ctx.doc.sources.get(i.n)!;
      const id = ctx.nextFootnote++;
      ctx.footnotes[String(id)] = { children: noteParagraphs(ctx, source, i.anchor) };
      out.push(new FootnoteReferenceRun(id));
    }
  }
  return out;
}

/** How a source is named: `[3] Title (2026-05-01). https://… — web search`. */
function sourceRuns(ctx: WriteContext, s: SourceEntry, withNumber: boolean): ParagraphChild[] {
  const parts: ParagraphChild[] = [];
  if (withNumber) parts.push(new TextRun({ text: `[${s.number}] ` }));
  // A cited passage links to its file, relative to the document (the .docx sits next to it).
  if (s.link) parts.push(new ExternalHyperlink({ link: s.link, children: [new TextRun({ text: s.title, bold: true, style: 'Hyperlink' })] }));
  else parts.push(new TextRun({ text: s.title, bold: true }));
  if (s.date) parts.push(new TextRun({ text: ` (${s.date})` }));
  if (s.url) {
    parts.push(new TextRun({ text: '. ' }));
    parts.push(new ExternalHyperlink({ link: s.url, children: [new TextRun({ text: s.url, style: 'Hyperlink' })] }));
  } else if (s.reference && s.reference !== s.title && !s.link) {
    parts.push(new TextRun({ text: `. ${s.reference}` }));
  } else if (!s.levelText) {
    parts.push(new TextRun({ text: ` (${ctx.doc.labels.noLocation})`, italics: true }));
  }
  // An unverified source says so in bold, as in the document.
  if (s.levelText) parts.push(new TextRun({ text: ` — ${s.levelText}`, bold: s.unverified }));
  return parts;
}

function passageParagraphs(s: SourceEntry, indent: number, anchor?: string): Paragraph[] {
  // A citation that links to one of the quotes holds that quote.
  const quoted = anchor ? s.passages.filter((p) => p.anchor === anchor) : [];
  return (quoted.length ? quoted : s.passages).map(
    (p) =>
      new Paragraph({
        indent: { left: indent },
        children: [new TextRun({ text: `“${p.text}”`, italics: true }), ...(p.location ? [new TextRun({ text: ` (${p.location})` })] : [])],
      }),
  );
}

function noteParagraphs(ctx: WriteContext, s: SourceEntry, anchor?: string): Paragraph[] {
  return [new Paragraph({ children: sourceRuns(ctx, s, true) }), ...passageParagraphs(s, 0, anchor)];
}

function blockParagraphs(ctx: WriteContext, block: Block, depth = 0, quote = false): Array<Paragraph | Table> {
  const style = quote ? QUOTE_STYLE : undefined;
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HEADINGS[Math.min(Math.max(block.level - 2, 0), 5)], children: runs(ctx, block.inlines) })];
    case 'paragraph':
      return [new Paragraph({ style, children: runs(ctx, block.inlines) })];
    case 'code':
      return block.text.split('\n').map((line) => new Paragraph({ style, children: [new TextRun({ text: line, font: CODE_FONT })] }));
    case 'rule':
      return [new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'auto', space: 1 } }, children: [] })];
    case 'quote':
      return block.blocks.flatMap((b) => blockParagraphs(ctx, b, depth, true));
    case 'table':
      return [tableOf(ctx, block), new Paragraph({ children: [] })];
    case 'list': {
      const instance = ctx.nextListInstance++;
      const level = Math.min(depth, 8);
      const out: Array<Paragraph | Table> = [];
      for (const item of block.items) {
        item.forEach((b, k) => {
          if (b.kind === 'list') {
            out.push(...blockParagraphs(ctx, b, depth + 1, quote));
          } else if (k === 0 && b.kind === 'paragraph') {
            out.push(
              new Paragraph({
                style,
                children: runs(ctx, b.inlines),
                ...(block.ordered ? { numbering: { reference: ORDERED, level, instance } } : { bullet: { level } }),
              }),
            );
          } else {
            for (const p of blockParagraphs(ctx, b, depth + 1, quote)) out.push(p);
          }
        });
      }
      return out;
    }
  }
}

function tableOf(ctx: WriteContext, block: Extract<Block, { kind: 'table' }>): Table {
  const alignment = (i: number) =>
    block.align[i] === 'right' ? AlignmentType.RIGHT : block.align[i] === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT;
  const columns = Math.max(block.header.length, ...block.rows.map((r) => r.length), 1);
  const cell = (inlines: Inline[] | undefined, i: number, header: boolean) =>
    new TableCell({
      children: [
        new Paragraph({
          alignment: alignment(i),
          children: header ? runs(ctx, (inlines ?? []).map((x) => (x.kind === 'text' ? { ...x, bold: true } : x))) : runs(ctx, inlines ?? []),
        }),
      ],
    });
  const row = (cells: Inline[][], header: boolean) =>
    new TableRow({ tableHeader: header, children: Array.from({ length: columns }, (_, i) => cell(cells[i], i, header)) });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(block.header, true), ...block.rows.map((r) => row(r, false))],
  });
}

function titlePage(ctx: WriteContext): Paragraph[] {
  const { meta, labels } = ctx.doc;
  const field = (label: string, value: string | undefined) =>
    value ? [new Paragraph({ children: [new TextRun({ text: `${label}: `, bold: true }), new TextRun({ text: value })] })] : [];
  return [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: meta.title })] }),
    ...(meta.demo ? [new Paragraph({ children: [new TextRun({ text: labels.demoLabel, bold: true, color: 'C00000' })] })] : []),
    ...field(labels.date, meta.date),
    ...field(labels.language, languageName(meta.language)),
    ...field(labels.framework, meta.framework),
    ...field(labels.template, meta.template),
    ...field(labels.analysts, meta.analysts.join(', ') || undefined),
    new Paragraph({ children: [new PageBreak()] }),
  ];
}

function sourcesList(ctx: WriteContext): Paragraph[] {
  const entries = [...ctx.doc.sources.values()].sort((a, b) => a.number - b.number);
  if (!entries.length) return [];
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: ctx.doc.labels.sources })] }),
    ...entries.flatMap((s) => [new Paragraph({ children: sourceRuns(ctx, s, true) }), ...passageParagraphs(s, 360)]),
  ];
}

/** The .docx bytes of the document. */
export async function writeDocx(doc: AnalysisDocument): Promise<Uint8Array> {
  const ctx: WriteContext = { doc, footnotes: {}, nextFootnote: 1, nextListInstance: 1 };
  const body = doc.blocks.flatMap((b) => blockParagraphs(ctx, b));
  const document = new Document({
    title: doc.meta.title,
    creator: 'Strategic Analysis',
    description: doc.meta.demo ? doc.labels.demoLabel : undefined,
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    styles: {
      paragraphStyles: [
        {
          id: QUOTE_STYLE,
          name: 'Analysis Quote',
          basedOn: 'Normal',
          run: { italics: true },
          paragraph: { indent: { left: 720 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: '999999', space: 8 } } },
        },
      ],
    },
    footnotes: ctx.footnotes,
    sections: [{ children: [...titlePage(ctx), ...body, ...sourcesList(ctx)] }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
