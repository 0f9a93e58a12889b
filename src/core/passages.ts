/**
 * The source model: every source the model may cite is a list of located passages.
 *
 * A *passage* is a piece of a source small enough to be selected, sent and cited on its own
 * (a page of a PDF, a slide, a block of rows of a sheet, the paragraphs under a heading, a range
 * of lines, a web result's text). Its *location* says where it stands in the source, in the
 * terms the person uses to find it again:
 *
 * | kind      | source                        | location                                  | shown as                  |
 * | --------- | ----------------------------- | ----------------------------------------- | ------------------------- |
 * | `lines`   | Markdown, text, HTML, briefing | path + first and last line (1-based)      | `notes.md, lines 12–30`   |
 * | `page`    | PDF                           | path + page number (1-based)              | `report.pdf, p. 14`       |
 * | `slide`   | PowerPoint                    | path + slide number (1-based)             | `deck.pptx, slide 3`      |
 * | `sheet`   | Excel, CSV                    | path + sheet name + cell range (A1 style) | `model.xlsx, Plan!A1:F40` |
 * | `section` | Word                          | path + heading path + paragraph numbers   | `memo.docx, § Market › DE, ¶ 2–5` |
 * | `web`     | web search result             | URL (+ title, published date)             | the URL                   |
 *
 * A passage is cited as `[S3.14]`: source `S3`, passage 14 (1-based, in source order); `[S3]`
 * cites the source as a whole. A passage's text is never cut: the context budget selects whole
 * passages or leaves them out (contextBudget.ts).
 *
 * Owns: the zod schemas of locations, passages and parsed documents (they live in the workflow
 * state), their labels, the token estimate of a passage, and the splitting of plain text
 * (Markdown, text, HTML) into line-located passages. Must not: read files or parse binary formats
 * (src/documents and the readers in src/lazy do), nor import `vscode`, an SDK or a Node module
 * (the panel's bundle includes it through the state schema).
 */
import * as z from 'zod';
import { DOCUMENT_FORMATS } from '../shared/workflowNames';

const Path = z.string().min(1);
const Line = z.number().int().positive();

export const Location = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lines'), path: Path, startLine: Line, endLine: Line }),
  z.object({ kind: z.literal('page'), path: Path, page: z.number().int().positive() }),
  z.object({ kind: z.literal('slide'), path: Path, slide: z.number().int().positive() }),
  z.object({ kind: z.literal('sheet'), path: Path, sheet: z.string(), range: z.string().regex(/^[A-Z]+\d+(:[A-Z]+\d+)?$/) }),
  z.object({
    kind: z.literal('section'),
    path: Path,
    /** The headings above the passage, outermost first; empty before the first heading. */
    headings: z.array(z.string()),
    /** Paragraph numbers (1-based) counted within the section. */
    paragraph: z.number().int().positive(),
    endParagraph: z.number().int().positive(),
  }),
  z.object({ kind: z.literal('web'), url: z.string().min(1), title: z.string().optional(), publishedDate: z.string().optional() }),
]);
export type Location = z.infer<typeof Location>;

export const Passage = z.object({
  /** 1-based position in its source; with the source id it forms the citation `[S3.14]`. */
  n: z.number().int().positive(),
  text: z.string().min(1),
  location: Location,
  /** Estimated tokens of the passage as sent to the model (its text and its label). */
  tokens: z.number().int().nonnegative(),
});
export type Passage = z.infer<typeof Passage>;

export { DOCUMENT_FORMATS };
export const DocumentFormat = z.enum(DOCUMENT_FORMATS);
export type DocumentFormat = z.infer<typeof DocumentFormat>;

/** A document of the person's, read into passages. Kept in the state, so a resume never re-reads it. */
export const ParsedDocument = z.object({
  /** Workspace-relative path (forward slashes), or absolute when outside any workspace folder. */
  path: Path,
  title: z.string(),
  format: DocumentFormat,
  /** SHA-256 of the file's bytes when it was read: a later change on disk is detected by it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** Pages, slides or sheets (lines for text), for the person's overview. */
  units: z.number().int().nonnegative(),
  passages: z.array(Passage),
  /** Things the person should know (pages without text, a sheet that was empty, ...). */
  notes: z.array(z.string()).default([]),
});
export type ParsedDocument = z.infer<typeof ParsedDocument>;

/** Rough token count (about four characters per token), the same rule as the cost estimates. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/** Where the passage stands, without the file name: `p. 14`, `slide 3`, `Plan!A1:F40`, `lines 3–9`. */
export function locationLabel(loc: Location): string {
  switch (loc.kind) {
    case 'lines':
      return loc.startLine === loc.endLine ? `line ${loc.startLine}` : `lines ${loc.startLine}–${loc.endLine}`;
    case 'page':
      return `p. ${loc.page}`;
    case 'slide':
      return `slide ${loc.slide}`;
    case 'sheet':
      return `${loc.sheet}!${loc.range}`;
    case 'section': {
      const where = loc.headings.length ? `§ ${loc.headings.join(' › ')}, ` : '';
      const para = loc.paragraph === loc.endParagraph ? `¶ ${loc.paragraph}` : `¶ ${loc.paragraph}–${loc.endParagraph}`;
      return `${where}${para}`;
    }
    case 'web':
      return loc.url;
  }
}

/** The location with the file name: `annual-report-2025.pdf, p. 14`. */
export function citationLabel(loc: Location): string {
  return loc.kind === 'web' ? loc.url : `${baseName(loc.path)}, ${locationLabel(loc)}`;
}

/** Builds a passage, estimating its tokens. */
export function makePassage(n: number, text: string, location: Location): Passage {
  return { n, text, location, tokens: estimateTokens(text) + 12 };
}

/** Largest passage the splitters produce, in characters (about 1,000 tokens). */
export const MAX_PASSAGE_CHARS = 4000;
/** Passages are grown from paragraphs up to about this size. */
export const TARGET_PASSAGE_CHARS = 2000;

export interface TextBlock {
  text: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** A heading starts a new passage. */
  heading?: boolean;
}

/**
 * Splits a block longer than MAX_PASSAGE_CHARS at line ends, then at sentence ends, then at
 * spaces, so that no passage is larger than the limit and none is cut inside a word.
 */
function splitLong(block: TextBlock): TextBlock[] {
  if (block.text.length <= MAX_PASSAGE_CHARS) return [block];
  const lines = block.text.split('\n');
  if (lines.length > 1) {
    const out: TextBlock[] = [];
    let buf: string[] = [];
    let start = block.startLine;
    lines.forEach((line, i) => {
      const lineNo = block.startLine + i;
      if (buf.length && buf.join('\n').length + line.length + 1 > MAX_PASSAGE_CHARS) {
        out.push({ text: buf.join('\n'), startLine: start, endLine: lineNo - 1 });
        buf = [];
        start = lineNo;
      }
      buf.push(line);
    });
    if (buf.length) out.push({ text: buf.join('\n'), startLine: start, endLine: block.endLine });
    return out.flatMap(splitLong);
  }
  const pieces: string[] = [];
  let rest = block.text;
  while (rest.length > MAX_PASSAGE_CHARS) {
    const window = rest.slice(0, MAX_PASSAGE_CHARS);
    let cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('? '), window.lastIndexOf('! '));
    if (cut < MAX_PASSAGE_CHARS / 2) cut = window.lastIndexOf(' ');
    if (cut < MAX_PASSAGE_CHARS / 2) cut = MAX_PASSAGE_CHARS - 1;
    pieces.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1).trimStart();
  }
  if (rest.trim()) pieces.push(rest.trim());
  return pieces.map((text) => ({ text, startLine: block.startLine, endLine: block.endLine }));
}

/**
 * Groups blocks (paragraphs) into passages of about TARGET_PASSAGE_CHARS, starting a new passage
 * at every heading, never larger than MAX_PASSAGE_CHARS.
 */
export function groupBlocks<T extends TextBlock>(blocks: T[], target = TARGET_PASSAGE_CHARS): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const block of blocks) {
    const starts = block.heading || (current.length > 0 && size + block.text.length > target);
    if (starts && current.length) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += block.text.length + 2;
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Paragraphs of a text: runs of non-blank lines, with their line numbers. */
export function paragraphs(text: string, isHeading: (line: string) => boolean = () => false): TextBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: TextBlock[] = [];
  let buf: string[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = buf.join('\n').trim();
    if (body) out.push({ text: body, startLine: start, endLine: end, heading: isHeading(buf.find((l) => l.trim()) ?? '') });
    buf = [];
  };
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (!line.trim()) {
      if (buf.length) flush(lineNo - 1);
      return;
    }
    // A heading line is a paragraph of its own start.
    if (isHeading(line) && buf.length) flush(lineNo - 1);
    if (!buf.length) start = lineNo;
    buf.push(line);
  });
  if (buf.length) flush(lines.length);
  return out.flatMap(splitLong).map((b, i, all) => (i > 0 && all[i - 1].startLine === b.startLine ? { ...b, heading: false } : b));
}

const MARKDOWN_HEADING = /^#{1,6}\s/;

/** Splits Markdown or plain text into passages located by line range. */
export function textPassages(text: string, path: string, format: 'markdown' | 'text' | 'html' | 'briefing' = 'text'): Passage[] {
  const blocks = paragraphs(text, format === 'markdown' || format === 'briefing' ? (l) => MARKDOWN_HEADING.test(l) : () => false);
  return groupBlocks(blocks).map((group, i) =>
    makePassage(i + 1, group.map((b) => b.text).join('\n\n'), {
      kind: 'lines',
      path,
      startLine: group[0].startLine,
      endLine: group[group.length - 1].endLine,
    }),
  );
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The visible text of an HTML document with its line structure kept (so that passages are
 * located by the lines of the file): scripts, styles and comments are blanked, tags removed,
 * the common entities decoded. The text is data: nothing of it is interpreted.
 */
export function htmlToLines(html: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, '');
  return html
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/<(script|style|template|noscript)\b[\s\S]*?<\/\1\s*>/gi, blank)
    .replace(/<[^>]*>/g, (m) => (/^<\/?(p|div|br|li|h[1-6]|tr|section|article)\b/i.test(m) ? ' ' : '') + blank(m))
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n');
}

/** Column letters of a 1-based column number: 1 → A, 27 → AA. */
export function columnName(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/** The total tokens of a list of passages. */
export function passageTokens(passages: readonly Passage[]): number {
  return passages.reduce((n, p) => n + p.tokens, 0);
}

/** The passage cited as `[S3.14]` in `passages`, if any. */
export function passageOf(passages: readonly Passage[], n: number): Passage | undefined {
  return passages.find((p) => p.n === n);
}
