/**
 * The deck's content, taken from the document's own sections: the executive summary, one entry
 * per key finding (its message and two to four supporting points with their source numbers),
 * the risks, the next steps and the cited sources.
 *
 * Owns: recognising sections by their headings in any supported language (core/documentLabels)
 * and reading findings the ways the templates write them — a bold lead sentence opening a
 * paragraph or a list item, or a sub-heading per finding; without a findings section, each
 * remaining section becomes one finding led by its first sentence. Must not: lay out slides
 * (pptx.ts) or read markdown (readDocument.ts).
 */
import { sectionRole, type SectionRole } from '../core/documentLabels';
import type { SourceEntry } from '../core/sourcesSection';
import { citationsIn, plainText, type AnalysisDocument, type Block, type Inline } from './model';

export interface Point {
  text: string;
  cites: number[];
}

export interface Finding {
  message: string;
  cites: number[];
  points: Point[];
}

export interface DeckContent {
  summary: Point[];
  findings: Finding[];
  risks: Point[];
  nextSteps: Point[];
  /** The document's sources, in number order (the numbers the points cite). */
  sources: SourceEntry[];
}

const MAX_POINTS = 4;
const MAX_LIST = 6;
const MAX_FINDINGS = 8;
const MAX_TEXT = 300;

interface Section {
  heading: string;
  role?: SectionRole;
  blocks: Block[];
}

function sections(blocks: Block[]): Section[] {
  const levels = blocks.filter((b) => b.kind === 'heading').map((b) => (b as { level: number }).level);
  const top = levels.length ? Math.min(...levels) : 0;
  const out: Section[] = [];
  let current: Section = { heading: '', blocks: [] };
  for (const b of blocks) {
    if (b.kind === 'heading' && b.level === top) {
      if (current.heading || current.blocks.length) out.push(current);
      const heading = plainText(b.inlines).trim();
      current = { heading, role: sectionRole(heading), blocks: [] };
    } else current.blocks.push(b);
  }
  if (current.heading || current.blocks.length) out.push(current);
  return out;
}

/** At most MAX_TEXT characters, cut at a word boundary. */
function shorten(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_TEXT) return t;
  const cut = t.slice(0, MAX_TEXT - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_TEXT / 2)).replace(/[\s,;:]+$/, '')}…`;
}

/** A point from text that may hold `[n]` citations: the numbers move out of the text. */
function point(text: string, known: Set<number>): Point {
  const cites: number[] = [];
  const clean = text.replace(/\s*\[(\d{1,4})\]/g, (m, n: string) => {
    const num = Number(n);
    if (!known.has(num)) return m;
    if (!cites.includes(num)) cites.push(num);
    return '';
  });
  return { text: shorten(clean.replace(/\s+([.,;:])/g, '$1')).replace(/(?<!\.)\.$/, ''), cites: cites.sort((a, b) => a - b) };
}

/** Sentences of a text, keeping each citation with the sentence it ends. */
function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?](?:\s*\[\d{1,4}\])*)\s+(?=[\p{Lu}\p{N}"“(«])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Points of blocks: list items, and the sentences of paragraphs. */
function pointsOf(blocks: Block[], known: Set<number>, max: number): Point[] {
  const out: Point[] = [];
  for (const b of blocks) {
    if (b.kind === 'list') for (const item of b.items) out.push(point(itemText(item), known));
    else if (b.kind === 'paragraph' || b.kind === 'quote') for (const s of sentences(textOf(b))) out.push(point(s, known));
    else if (b.kind === 'heading') out.push(point(plainText(b.inlines), known));
    if (out.length >= max) break;
  }
  return out.filter((p) => p.text).slice(0, max);
}

/** A list item as one point: a bold lead with the sentence after it, or the item's first two sentences. */
function itemText(item: Block[]): string {
  const [first] = item;
  const lead = first?.kind === 'paragraph' ? boldLead(first.inlines) : undefined;
  if (lead) {
    const head = plainText(lead.lead).trim();
    const [next] = sentences(plainText(lead.rest));
    return next ? `${head.replace(/[.:]$/, '')}: ${next}` : head;
  }
  return sentences(item.map(textOf).join(' ')).slice(0, 2).join(' ');
}

function textOf(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
    case 'heading':
      return plainText(b.inlines);
    case 'list':
      return b.items.map((i) => i.map(textOf).join(' ')).join(' ');
    case 'quote':
      return b.blocks.map(textOf).join(' ');
    default:
      return '';
  }
}

/** The bold run that opens inline content, and the rest; undefined when it does not open with bold. */
function boldLead(inlines: Inline[]): { lead: Inline[]; rest: Inline[] } | undefined {
  const first = inlines.findIndex((i) => !(i.kind === 'text' && !i.text.trim()));
  if (first < 0) return undefined;
  const i0 = inlines[first];
  if (i0.kind !== 'text' || !i0.bold) return undefined;
  let end = first;
  while (end < inlines.length && ((inlines[end].kind === 'text' && (inlines[end] as { bold?: boolean }).bold) || inlines[end].kind === 'cite')) end++;
  return { lead: inlines.slice(first, end), rest: inlines.slice(end) };
}

function finding(message: string, messageCites: number[], rest: Block[], restText: string, known: Set<number>): Finding {
  const head = point(message, known);
  const points = [...(restText ? sentences(restText).map((s) => point(s, known)) : []), ...pointsOf(rest, known, MAX_POINTS)]
    .filter((p) => p.text)
    .slice(0, MAX_POINTS);
  return { message: head.text.replace(/[.:]$/, ''), cites: [...new Set([...messageCites, ...head.cites])], points };
}

/** Findings of a findings section: bold leads, sub-headings, or list items. */
function findingsOfSection(blocks: Block[], known: Set<number>): Finding[] {
  const out: Finding[] = [];
  const pending: Block[] = [];
  let open: { message: string; cites: number[]; restText: string } | undefined;
  const close = () => {
    if (open) out.push(finding(open.message, open.cites, pending.splice(0), open.restText, known));
    pending.length = 0;
    open = undefined;
  };
  for (const b of blocks) {
    const lead = b.kind === 'paragraph' ? boldLead(b.inlines) : undefined;
    if (b.kind === 'heading') {
      close();
      open = { message: plainText(b.inlines), cites: citationsIn(b.inlines), restText: '' };
    } else if (lead) {
      close();
      open = { message: plainText(lead.lead), cites: citationsIn(lead.lead), restText: plainText(lead.rest) };
    } else if (b.kind === 'list' && !open) {
      for (const item of b.items) {
        const [first, ...more] = item;
        const itemLead = first?.kind === 'paragraph' ? boldLead(first.inlines) : undefined;
        if (itemLead) out.push(finding(plainText(itemLead.lead), citationsIn(itemLead.lead), more, plainText(itemLead.rest), known));
        else if (first) {
          const [message, ...rest] = sentences(textOf(first));
          out.push(finding(message ?? '', [], more, rest.join(' '), known));
        }
      }
    } else if (open) pending.push(b);
    else {
      // A paragraph without a bold lead and no finding open: it is a finding led by its first sentence.
      const [message, ...rest] = sentences(textOf(b));
      if (message) out.push(finding(message, [], [], rest.join(' '), known));
    }
  }
  close();
  return out.filter((f) => f.message);
}

/** What the deck says, from the document. */
export function deckContent(doc: AnalysisDocument): DeckContent {
  const known = new Set(doc.sources.keys());
  const all = sections(doc.blocks);
  const of = (role: SectionRole) => all.filter((s) => s.role === role).flatMap((s) => s.blocks);
  const content = all.filter((s) => s.role === undefined && s.blocks.some((b) => b.kind !== 'quote'));
  let findings = findingsOfSection(of('findings'), known);
  if (!findings.length) {
    findings = content.map((s) => {
      const [message, ...rest] = sentences(s.blocks.filter((b) => b.kind === 'paragraph').map(textOf)[0] ?? s.heading);
      const others = s.blocks.filter((b) => b !== s.blocks.find((x) => x.kind === 'paragraph'));
      return finding(message ?? s.heading, [], others, rest.join(' '), known);
    });
  }
  const summaryBlocks = of('summary');
  const deck: DeckContent = {
    summary: pointsOf(summaryBlocks.length ? summaryBlocks : (content[0]?.blocks ?? []), known, MAX_POINTS + 1),
    findings: findings.slice(0, MAX_FINDINGS),
    risks: pointsOf(of('risks'), known, MAX_LIST),
    nextSteps: pointsOf(of('nextSteps'), known, MAX_LIST),
    sources: [...doc.sources.values()].sort((a, b) => a.number - b.number),
  };
  return deck;
}
