/**
 * Reads a final analysis document (markdown as the person edited it) into the export model.
 *
 * Owns: splitting the frontmatter (title page fields), tokenising the markdown with `marked`'s
 * lexer (GFM: tables, strikethrough, autolinks), finding the Sources section and reading each of
 * its entries through core/sourcesSection.ts, and turning `[n]` / `[[n]](url)` into citations.
 * What cannot be exported faithfully (raw HTML, images, a citation without a source entry, an
 * unreadable frontmatter or Sources entry) is skipped or kept as plain text, with a warning.
 * Must not: write files or know about any output format.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { documentLabels, isSourcesHeading } from '../core/documentLabels';
import { detectLanguage } from '../core/language';
import { parseFrontmatter } from '../core/modelAnswers';
import { parseSourceEntry, type SourceEntry } from '../core/sourcesSection';
import type { AnalysisDocument, Block, DocumentMeta, Inline } from './model';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return undefined;
}

function humanise(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : undefined;
}

interface Reader {
  sources: Map<number, SourceEntry>;
  warnings: string[];
  missing: Set<number>;
  skipped: Map<string, number>;
}

function skip(r: Reader, what: string): void {
  r.skipped.set(what, (r.skipped.get(what) ?? 0) + 1);
}

/** Text with `[n]` citations split out; a number without a source entry stays text. */
function textWithCitations(r: Reader, text: string, style: Omit<Extract<Inline, { kind: 'text' }>, 'kind' | 'text'>): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(/\[(\d{1,4})\]/g)) {
    const n = Number(m[1]);
    if (!r.sources.has(n)) {
      r.missing.add(n);
      continue;
    }
    if (m.index! > last) out.push({ kind: 'text', text: text.slice(last, m.index), ...style });
    out.push({ kind: 'cite', n });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last), ...style });
  return out;
}

type Style = { bold?: boolean; italic?: boolean; code?: boolean; strike?: boolean };

function inlines(r: Reader, tokens: Token[] | undefined, style: Style = {}): Inline[] {
  const out: Inline[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'text': {
        const tt = t as Tokens.Text;
        if (tt.tokens?.length) out.push(...inlines(r, tt.tokens, style));
        else out.push(...textWithCitations(r, decodeEntities(tt.text), style));
        break;
      }
      case 'escape':
        out.push({ kind: 'text', text: decodeEntities((t as Tokens.Escape).text), ...style });
        break;
      case 'strong':
        out.push(...inlines(r, (t as Tokens.Strong).tokens, { ...style, bold: true }));
        break;
      case 'em':
        out.push(...inlines(r, (t as Tokens.Em).tokens, { ...style, italic: true }));
        break;
      case 'del':
        out.push(...inlines(r, (t as Tokens.Del).tokens, { ...style, strike: true }));
        break;
      case 'codespan':
        out.push({ kind: 'text', text: decodeEntities((t as Tokens.Codespan).text), ...style, code: true });
        break;
      case 'br':
        out.push({ kind: 'break' });
        break;
      case 'link': {
        const link = t as Tokens.Link;
        const cite = /^\[(\d{1,4})\]$/.exec(link.text.trim());
        if (cite) {
          // `[[n]](#source-n-k)`: the citation the final document links to the quote that backs
          // it (or `#source-n`, to its source).
          const n = Number(cite[1]);
          const anchor = /^#(source-\d+-\d+)$/.exec(link.href.trim())?.[1];
          if (r.sources.has(n)) out.push({ kind: 'cite', n, ...(anchor ? { anchor } : {}) });
          else {
            r.missing.add(n);
            out.push({ kind: 'text', text: `[${n}]`, ...style });
          }
          break;
        }
        const children = inlines(r, link.tokens, style);
        if (/^(https?|mailto):/i.test(link.href)) out.push({ kind: 'link', href: link.href, children });
        else out.push(...children);
        break;
      }
      case 'image': {
        const img = t as Tokens.Image;
        skip(r, 'image');
        if (img.text) out.push({ kind: 'text', text: `[${decodeEntities(img.text)}]`, ...style });
        break;
      }
      case 'html':
        skip(r, 'inline HTML');
        break;
      default:
        if ('text' in t && typeof t.text === 'string') out.push(...textWithCitations(r, decodeEntities(t.text), style));
    }
  }
  return out;
}

function blocks(r: Reader, tokens: Token[]): Block[] {
  const out: Block[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        out.push({ kind: 'heading', level: h.depth, inlines: inlines(r, h.tokens) });
        break;
      }
      case 'paragraph':
        out.push({ kind: 'paragraph', inlines: inlines(r, (t as Tokens.Paragraph).tokens) });
        break;
      case 'text': {
        // Tight list items hold text tokens directly.
        const tt = t as Tokens.Text;
        out.push({ kind: 'paragraph', inlines: tt.tokens ? inlines(r, tt.tokens) : textWithCitations(r, decodeEntities(tt.text), {}) });
        break;
      }
      case 'list': {
        const l = t as Tokens.List;
        out.push({
          kind: 'list',
          ordered: l.ordered,
          start: typeof l.start === 'number' ? l.start : 1,
          items: l.items.map((item) => blocks(r, item.tokens.filter((x) => x.type !== 'checkbox'))),
        });
        break;
      }
      case 'table': {
        const tb = t as Tokens.Table;
        out.push({
          kind: 'table',
          header: tb.header.map((c) => inlines(r, c.tokens)),
          rows: tb.rows.map((row) => row.map((c) => inlines(r, c.tokens))),
          align: tb.align,
        });
        break;
      }
      case 'blockquote':
        out.push({ kind: 'quote', blocks: blocks(r, (t as Tokens.Blockquote).tokens) });
        break;
      case 'code':
        out.push({ kind: 'code', text: (t as Tokens.Code).text });
        break;
      case 'hr':
        out.push({ kind: 'rule' });
        break;
      case 'space':
      case 'def':
        break;
      case 'html':
        if ((t as Tokens.HTML).text.trim()) skip(r, 'HTML block');
        break;
      default:
        skip(r, `"${t.type}" block`);
    }
  }
  return out;
}

/** The Sources entries of a list token; entries that cannot be read are reported. */
function readSources(list: Tokens.List, r: Reader): void {
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, i) => {
    const raw = list.ordered ? item.raw.replace(/^\s*/, '') : item.raw.replace(/^\s*[-*+]\s+/, '');
    const entry = parseSourceEntry(list.ordered ? raw : `${start + i}. ${raw}`, start + i);
    if (!entry) {
      r.warnings.push(`Sources entry ${start + i} has no title: skipped.`);
      return;
    }
    if (r.sources.has(entry.number)) r.warnings.push(`Sources entry ${entry.number} appears twice: the first one is used.`);
    else r.sources.set(entry.number, entry);
  });
}

/** Reads the document. Never throws on its content: problems become warnings. */
export function readAnalysisDocument(markdown: string, fallbackTitle = 'Analysis'): AnalysisDocument {
  const r: Reader = { sources: new Map(), warnings: [], missing: new Set(), skipped: new Map() };
  let data: Record<string, unknown> = {};
  let body = markdown.replace(/^\uFEFF/, '');
  if (/^---[ \t]*\r?\n/.test(body)) {
    try {
      const fm = parseFrontmatter(body);
      data = fm.data;
      body = fm.body;
    } catch (err) {
      r.warnings.push(`The frontmatter could not be read (${(err as Error).message}): the title page uses the document's heading only.`);
      const end = /^---[ \t]*$/m.exec(body.replace(/^---[ \t]*\r?\n/, ''));
      if (end) body = body.replace(/^---[ \t]*\r?\n/, '').slice(end.index + end[0].length);
    }
  }

  const tokens = new Lexer({ gfm: true }).lex(body.replace(/\r\n?/g, '\n'));

  // The title: the first level-1 heading, when it comes before any other content.
  let title = asString(data.title);
  const firstContent = tokens.findIndex((t) => t.type !== 'space');
  if (firstContent >= 0 && tokens[firstContent].type === 'heading' && (tokens[firstContent] as Tokens.Heading).depth === 1) {
    const heading = tokens.splice(firstContent, 1)[0] as Tokens.Heading;
    title ??= decodeEntities(heading.text).replace(/[*_`]/g, '').trim();
  }

  // The Sources section: the last heading that names it, up to the next heading of its level or above.
  const sourcesAt = tokens.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'heading' && isSourcesHeading((t as Tokens.Heading).text)).pop();
  if (sourcesAt) {
    const depth = (sourcesAt.t as Tokens.Heading).depth;
    let end = tokens.findIndex((t, i) => i > sourcesAt.i && t.type === 'heading' && (t as Tokens.Heading).depth <= depth);
    if (end < 0) end = tokens.length;
    const section = tokens.splice(sourcesAt.i, end - sourcesAt.i).slice(1);
    for (const t of section) {
      if (t.type === 'list') readSources(t as Tokens.List, r);
      else if (t.type !== 'space') r.warnings.push(`Text in the Sources section that is not a list entry was skipped: "${t.raw.trim().slice(0, 80)}".`);
    }
  }

  const content = blocks(r, tokens);
  if (r.missing.size) {
    const numbers = [...r.missing].sort((a, b) => a - b).map((n) => `[${n}]`);
    r.warnings.push(`Citation${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')} ha${numbers.length > 1 ? 've' : 's'} no entry under Sources: kept as plain text, without a note.`);
  }
  for (const [what, count] of r.skipped) r.warnings.push(`${count} ${what}${count > 1 ? 's' : ''} skipped (not supported in the export).`);

  const language = asString(data.language) ?? detectLanguage(body).code;
  const meta: DocumentMeta = {
    title: title ?? fallbackTitle,
    date: asString(data.date),
    language,
    framework: humanise(asString(data.synthesizer)),
    template: humanise(asString(data.template)),
    analysts: Array.isArray(data.analysts) ? data.analysts.map((a) => humanise(asString(a))).filter((a): a is string => !!a) : [],
    demo: data.demo === true,
    partial: data.partial_results === true,
  };
  return { meta, labels: documentLabels(language), blocks: content, sources: r.sources, warnings: r.warnings };
}
