/**
 * The analysis document as the exports see it: blocks and inline runs read from the markdown,
 * the title page's fields, the Sources entries and what had to be skipped.
 *
 * Owns: the shape shared by the reader (readDocument.ts) and the writers (docx.ts, pptx.ts).
 * Must not: depend on any library.
 */
import type { DocumentLabels } from '../core/documentLabels';
import type { SourceEntry } from '../core/sourcesSection';

export type Inline =
  | { kind: 'text'; text: string; bold?: boolean; italic?: boolean; code?: boolean; strike?: boolean }
  | { kind: 'link'; href: string; children: Inline[] }
  /** A citation `[n]` whose source entry exists; `anchor`: the quote it links to (`source-1-2`). */
  | { kind: 'cite'; n: number; anchor?: string }
  | { kind: 'break' };

export type Block =
  | { kind: 'heading'; level: number; inlines: Inline[] }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'table'; header: Inline[][]; rows: Inline[][][]; align: Array<'left' | 'center' | 'right' | null> }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

export interface DocumentMeta {
  title: string;
  date?: string;
  /** Language code (`it`), from the frontmatter or detected. */
  language: string;
  framework?: string;
  template?: string;
  analysts: string[];
  demo: boolean;
  partial: boolean;
}

export interface AnalysisDocument {
  meta: DocumentMeta;
  labels: DocumentLabels;
  /** The body, without the title heading and without the Sources section. */
  blocks: Block[];
  /** The Sources entries, by the number citations use. */
  sources: Map<number, SourceEntry>;
  /** Everything that could not be exported as written, one readable line each. */
  warnings: string[];
}

/** The plain text of inline runs (citations as `[n]`). */
export function plainText(inlines: Inline[]): string {
  return inlines
    .map((i) => (i.kind === 'text' ? i.text : i.kind === 'link' ? plainText(i.children) : i.kind === 'cite' ? `[${i.n}]` : '\n'))
    .join('');
}

/** Citation numbers in inline runs, in order of appearance, each once. */
export function citationsIn(inlines: Inline[]): number[] {
  const out: number[] = [];
  const walk = (list: Inline[]) => {
    for (const i of list) {
      if (i.kind === 'cite' && !out.includes(i.n)) out.push(i.n);
      else if (i.kind === 'link') walk(i.children);
    }
  };
  walk(inlines);
  return out;
}

/** Every inline run list of a block and its children, in document order. */
export function inlinesOf(block: Block): Inline[][] {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return [block.inlines];
    case 'list':
      return block.items.flatMap((item) => item.flatMap(inlinesOf));
    case 'table':
      return [...block.header, ...block.rows.flat()];
    case 'quote':
      return block.blocks.flatMap(inlinesOf);
    default:
      return [];
  }
}
