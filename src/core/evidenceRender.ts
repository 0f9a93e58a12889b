/**
 * Evidence in the documents a run writes (the final document and the analyst tabs).
 *
 * Owns: numbering the cited sources in order of first citation, putting `[n]` (a link to the
 * source's entry) after each supported span, and the Sources section — per source, its level,
 * whether it is verified, and the quoted passages with where they stand: a workspace file as a
 * relative link opening it at the line (`#L12`), a web source as its URL. Everything that comes
 * from the model, the web or the person's files (titles, quotes, reasons, file names) is escaped
 * by the rules of safeText.ts: it is data, never markup; only http(s) addresses become links.
 * Must not: decide what is backed by evidence (evidenceGate.ts and evidence.ts do).
 *
 * The Sources section, in markdown (one numbered item per source, its quotes as sub-items):
 *
 *     ## Sources
 *
 *     1. <a id="source-1"></a>**notes.md** — context document · verified
 *        - <a id="source-1-1"></a>“Our distributor reports demand growth of 12%” — [notes.md, lines 3–5](../../notes.md#L3)
 *     2. <a id="source-2"></a>**Sensor market report** (2025-03-01) — web search · verified — <https://site.example/report>
 *        - <a id="source-2-1"></a>“The market was worth EUR 3.1 billion.” — <https://site.example/report>
 *     3. <a id="source-3"></a>**A source from memory** — named by the market analyst · **unverified**: the page does not exist
 *
 * Each quote has an anchor of its own, and a citation in the text links to the quote that backs
 * it (`[[1]](#source-1-1)`; a citation of an unverified source, to the source's entry): one click
 * from a claim to its evidence, and the Word export's footnote of a citation holds that quote.
 */
import path from 'node:path';
import { sourcePassages, type LocatedText } from './citable';
import { normalizeSpace } from './evidence';
import { documentLabels, sourceLevelLabel } from './documentLabels';
import type { EvidenceRecord } from './evidenceSchema';
import { citationLabel } from './passages';
import { escapeInline, httpUrl } from './safeText';
import type { Source, WorkflowState } from './state';

export interface EvidenceLabels {
  sources: string;
  /** The analyst tab's headings: its checked citations, and the sources it named. */
  evidence: string;
  named: string;
  verified: string;
  unverified: string;
  level: (s: Source) => string;
  lines: (start: number, end: number) => string;
}

const WORDS: Record<string, Omit<EvidenceLabels, 'sources' | 'level'>> = {
  en: { evidence: 'Evidence', named: 'Sources named by the analyst', verified: 'verified', unverified: 'unverified', lines: (a, b) => (a === b ? `line ${a}` : `lines ${a}–${b}`) },
  it: { evidence: 'Evidenze', named: "Fonti indicate dall'analista", verified: 'verificata', unverified: 'non verificata', lines: (a, b) => (a === b ? `riga ${a}` : `righe ${a}–${b}`) },
  es: { evidence: 'Evidencias', named: 'Fuentes citadas por el analista', verified: 'verificada', unverified: 'no verificada', lines: (a, b) => (a === b ? `línea ${a}` : `líneas ${a}–${b}`) },
  fr: { evidence: 'Preuves', named: "Sources citées par l'analyste", verified: 'vérifiée', unverified: 'non vérifiée', lines: (a, b) => (a === b ? `ligne ${a}` : `lignes ${a}–${b}`) },
  de: { evidence: 'Belege', named: 'Vom Analysten genannte Quellen', verified: 'geprüft', unverified: 'nicht geprüft', lines: (a, b) => (a === b ? `Zeile ${a}` : `Zeilen ${a}–${b}`) },
  pt: { evidence: 'Evidências', named: 'Fontes indicadas pelo analista', verified: 'verificada', unverified: 'não verificada', lines: (a, b) => (a === b ? `linha ${a}` : `linhas ${a}–${b}`) },
  nl: { evidence: 'Bewijs', named: 'Bronnen genoemd door de analist', verified: 'geverifieerd', unverified: 'niet geverifieerd', lines: (a, b) => (a === b ? `regel ${a}` : `regels ${a}–${b}`) },
};

/** The evidence labels of `language` (the document's labels for the heading and levels). */
export function evidenceLabels(language: string): EvidenceLabels {
  const base = language.trim().toLowerCase().split(/[-_]/)[0];
  return { ...(WORDS[base] ?? WORDS.en), sources: documentLabels(language).sources, level: (s) => sourceLevelLabel(s.level, language, s.analyst) };
}

/** An http(s) address as an autolink (the one rule of safeText.httpUrl); anything else as escaped text, never a link. */
export function urlText(url: string): string {
  const web = httpUrl(url);
  return web ? `<${web}>` : escapeInline(url);
}

/** Untrusted text as the label of one of our links: on one line, no bracket can end the label, no tag. */
function labelText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what is removed
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\[\]]/g, '\\$&')
      .replace(/</g, '&lt;')
  );
}

/** A link target to a workspace file, relative to the document's folder, with `#Lnn`. */
export function fileLink(fromFolder: string, filePath: string, line?: number): string {
  const posix = filePath.replace(/\\/g, '/');
  const rel = path.posix.isAbsolute(posix) || /^[a-z]:\//i.test(posix) ? posix : path.posix.relative(fromFolder || '.', posix);
  // Every character that could end the link (brackets, parentheses, spaces) is percent-encoded.
  const encode = (seg: string) => encodeURIComponent(seg).replace(/[()!*']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${rel.split('/').map(encode).join('/')}${line ? `#L${line}` : ''}`;
}

/** One cited source of a document, with its number and the quotes that back it. */
export interface CitedSource {
  n: number;
  source: Source;
  /** Backed by checked quotes (or a verified page); false for an unverified L1 source. */
  verified: boolean;
  quotes: Array<{ text: string; passage: number; passageEnd: number }>;
}

/** Where a quote stands: a link to the file (at the line for text files), or the URL. */
function quoteLocation(
  state: Pick<WorkflowState, 'contextDocuments' | 'pageLookups'>,
  c: CitedSource,
  q: CitedSource['quotes'][number],
  folder: string,
  l: EvidenceLabels,
  files: ReadonlyMap<string, string>,
): string {
  const passages: LocatedText[] = sourcePassages(state, c.source);
  const first = passages.find((p) => p.n === q.passage)?.location;
  const last = passages.find((p) => p.n === q.passageEnd)?.location ?? first;
  if (first && first.kind === 'lines') {
    const end = last?.kind === 'lines' ? last.endLine : first.endLine;
    const [from, to] = quoteLines(files.get(first.path), first.startLine, end, q.text);
    const name = path.posix.basename(first.path.replace(/\\/g, '/'));
    return `[${labelText(`${name}, ${l.lines(from, to)}`)}](${fileLink(folder, first.path, from)})`;
  }
  if (first && first.kind !== 'web') return `[${labelText(citationLabel(first))}](${fileLink(folder, first.path)})`;
  const web = httpUrl(c.source.url);
  return web ? `<${web}>` : escapeInline(c.source.documentRef ?? c.source.title);
}

/**
 * The lines of `file` (1-based, inclusive) the quote stands on, within the passage's range;
 * the passage's range when the file text is not at hand or the quote is not found in it.
 */
export function quoteLines(file: string | undefined, start: number, end: number, quote: string): [number, number] {
  if (!file) return [start, end];
  const lines = file.replace(/\r\n?/g, '\n').split('\n');
  const q = normalizeSpace(quote);
  const holds = (a: number, b: number) => normalizeSpace(lines.slice(a - 1, b).join(' ')).includes(q);
  if (!holds(start, end)) return [start, end];
  let from = start;
  while (from < end && holds(from + 1, end)) from++;
  let to = from;
  while (to < end && !holds(from, to)) to++;
  return [from, to];
}

/** The Sources section for `cited` (numbered already), or '' when nothing is cited. */
export function renderSources(
  state: Pick<WorkflowState, 'contextDocuments' | 'pageLookups'>,
  cited: CitedSource[],
  folder: string,
  l: EvidenceLabels,
  heading = `## ${l.sources}`,
  /** Text of the workspace files cited, to point a quote at its own line. */
  files: ReadonlyMap<string, string> = new Map(),
): string {
  if (cited.length === 0) return '';
  const items = cited.map((c) => {
    const s = c.source;
    const when = s.publishedDate ? ` (${escapeInline(s.publishedDate.slice(0, 10))})` : '';
    const status = c.verified ? l.verified : `**${l.unverified}**${s.verification?.reason ? `: ${escapeInline(s.verification.reason)}` : ''}`;
    // Only a web address is shown as where the source is (safeText.httpUrl); anything else is not.
    const web = httpUrl(s.url);
    const where = web ? ` — <${web}>` : '';
    const head = `${c.n}. <a id="source-${c.n}"></a>**${escapeInline(s.title)}**${when} — ${escapeInline(l.level(s))} · ${status}${where}`;
    const quotes = c.quotes.map((q, k) => `   - <a id="${anchorOf(c.n, k + 1)}"></a>“${escapeInline(q.text)}” — ${quoteLocation(state, c, q, folder, l, files)}`);
    return [head, ...quotes].join('\n');
  });
  return `${heading}\n\n${items.join('\n')}\n`;
}

/** The anchor of source `n`'s entry, or of its `quote`-th quote (1-based). */
export function anchorOf(n: number, quote?: number): string {
  return quote ? `source-${n}-${quote}` : `source-${n}`;
}

/** Where `[n]` goes for a span: at its end, before trailing whitespace. */
function markerAt(text: string, end: number): number {
  let at = Math.min(end, text.length);
  while (at > 0 && /\s/.test(text[at - 1])) at--;
  return at;
}

/** A citation mark: source `n` at position `at`, backed by its `quote`-th quote (none: unverified). */
export interface CitationMark {
  at: number;
  n: number;
  quote?: number;
}

/**
 * Puts `[n]` after each supported span of `text`, linked to the quote that backs it (or to the
 * source's entry). Several citations at one place read `[1][3]`; several quotes of one source
 * at one place make one `[n]`, linked to the first of them.
 */
export function insertCitationMarks(text: string, marks: CitationMark[]): string {
  const byPos = new Map<number, Map<number, number | undefined>>();
  for (const m of marks) {
    const at = markerAt(text, m.at);
    const here = byPos.get(at) ?? new Map<number, number | undefined>();
    if (!here.has(m.n) || (here.get(m.n) === undefined && m.quote !== undefined)) here.set(m.n, m.quote);
    byPos.set(at, here);
  }
  let out = text;
  for (const at of [...byPos.keys()].sort((a, b) => b - a)) {
    const tag = [...byPos.get(at)!.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, quote]) => `[[${n}]](#${anchorOf(n, quote)})`)
      .join('');
    out = out.slice(0, at) + tag + out.slice(at);
  }
  return out;
}

/**
 * Numbers the sources of `records` (and of `unverifiedMarks`) in order of first citation and
 * groups their quotes; returns the marks to insert.
 */
export function numberEvidence(
  registry: Source[],
  records: EvidenceRecord[],
  unverifiedMarks: Array<{ at: number; sourceId: string }> = [],
): { cited: CitedSource[]; marks: CitationMark[] } {
  const events = [
    ...records.map((r) => ({ at: r.span.end, sourceId: r.sourceId, record: r as EvidenceRecord | undefined })),
    ...unverifiedMarks.map((m) => ({ at: m.at, sourceId: m.sourceId, record: undefined })),
  ].sort((a, b) => a.at - b.at);
  const cited: CitedSource[] = [];
  const marks: CitationMark[] = [];
  for (const e of events) {
    const source = registry.find((s) => s.id === e.sourceId);
    if (!source) continue;
    let c = cited.find((x) => x.source.id === e.sourceId);
    if (!c) {
      c = { n: cited.length + 1, source, verified: !!e.record, quotes: [] };
      cited.push(c);
    }
    let quote: number | undefined;
    if (e.record) {
      const r = e.record;
      let k = c.quotes.findIndex((q) => q.text === r.citedText && q.passage === r.passage);
      if (k < 0) k = c.quotes.push({ text: r.citedText, passage: r.passage, passageEnd: r.passageEnd }) - 1;
      quote = k + 1;
      c.verified = true;
    }
    marks.push({ at: e.at, n: c.n, ...(quote ? { quote } : {}) });
  }
  return { cited, marks };
}

/** The sources an analyst named, each with whether it was verified and the quote it gave. */
export function renderNamedSources(
  named: Array<{ title: string; url?: string; document?: string }>,
  checks: Array<{ verification: { status: string; reason: string; quote?: string } }>,
  l: EvidenceLabels,
): string {
  if (named.length === 0) return '';
  const items = named.map((src, i) => {
    // A context document named by the analyst is the person's own: no verification to show.
    const v = src.document ? undefined : checks[i]?.verification;
    const where = src.url ? ` — ${urlText(src.url)}` : src.document ? ` — ${escapeInline(src.document)}` : '';
    const status = !v ? '' : v.status === 'verified' ? ` · ${l.verified}` : ` · **${l.unverified}**${v.reason ? `: ${escapeInline(v.reason)}` : ''}`;
    const quote = v?.quote ? `\n  - “${escapeInline(v.quote)}”` : '';
    return `- **${escapeInline(src.title)}**${where}${status}${quote}`;
  });
  return `## ${l.named}\n\n${items.join('\n')}\n`;
}

/** The text of the workspace files `cited` quotes stand in (line-located), read through `read`; unreadable ones are left out. */
export async function citedFiles(
  state: Pick<WorkflowState, 'contextDocuments' | 'pageLookups'>,
  cited: CitedSource[],
  read: (path: string) => Promise<string>,
): Promise<Map<string, string>> {
  const paths = new Set<string>();
  for (const c of cited) {
    for (const p of sourcePassages(state, c.source)) if (p.location?.kind === 'lines' && c.quotes.some((q) => q.passage === p.n)) paths.add(p.location.path);
  }
  const out = new Map<string, string>();
  for (const p of paths) {
    try {
      out.set(p, await read(p));
    } catch {
      // The passage's own range is shown instead.
    }
  }
  return out;
}
