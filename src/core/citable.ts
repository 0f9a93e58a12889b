/**
 * What the steps that write claims may cite: the registry's sources as CitableDocuments.
 *
 * Owns: which sources are sent to the model for citing, in which order and as what — a
 * context document (L0) as a custom-content document, one block per passage; a web result
 * (L2) and a source named by an analyst whose page was verified (L1) as search results, one
 * block per passage — and the passage each block stands for (its number in the source, its
 * location), so that a citation's block index leads back to a path and lines or a URL.
 * Must not: check citations (evidence.ts) or render them (evidenceRender.ts).
 */
import type { CheckedDocument } from './evidence';
import type { CitableDocument } from './ports';
import type { Location } from './passages';
import type { Source, WorkflowState } from './state';
import { pageOf } from './verifySources';

/**
 * A passage of a source as this module hands it on: its number, its text, and where it stands
 * (the source model's location, passages.ts; none for a page fetched by URL, which is the URL).
 */
export interface LocatedText {
  /** 1-based number in the source (the `n` of its `[S3.14]`). */
  n: number;
  text: string;
  location?: Location;
}

/** Passages are grown from paragraphs up to about this many characters. */
const TARGET_CHARS = 1500;

/** A page's text (fetched by URL) as passages of about TARGET_CHARS, grown from paragraphs. */
export function splitIntoPassages(text: string): LocatedText[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const paragraphs: Array<{ text: string; start: number; end: number; heading: boolean }> = [];
  let buf: string[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = buf.join('\n').trim();
    if (body) paragraphs.push({ text: body, start, end, heading: /^#{1,6}\s/.test(buf[0] ?? '') });
    buf = [];
  };
  lines.forEach((line, i) => {
    if (!line.trim()) {
      if (buf.length) flush(i);
      return;
    }
    if (!buf.length) start = i + 1;
    buf.push(line);
  });
  if (buf.length) flush(lines.length);
  const out: LocatedText[] = [];
  let group: typeof paragraphs = [];
  const close = () => {
    if (!group.length) return;
    out.push({ n: out.length + 1, text: group.map((p) => p.text).join('\n\n') });
    group = [];
  };
  for (const p of paragraphs) {
    const size = group.reduce((n, g) => n + g.text.length + 2, 0);
    if (group.length && (p.heading || size + p.text.length > TARGET_CHARS)) close();
    group.push(p);
  }
  close();
  return out;
}

/**
 * The passages of a source that the model may cite, as far as the run knows them: a context
 * document's passages in the shared context (the context budget's selection), a verified
 * page's text cut into passages, a web result's text.
 */
export function sourcePassages(state: Pick<WorkflowState, 'contextDocuments' | 'pageLookups'>, source: Source): LocatedText[] {
  if (source.passages?.length) {
    const doc = state.contextDocuments.find((d) => d.sourceId === source.id);
    const selected = doc?.selected ? new Set(doc.selected) : null;
    return source.passages.filter((p) => !selected || selected.has(p.n)).map((p) => ({ n: p.n, text: p.text, location: p.location }));
  }
  if (source.level === 'L1') {
    if (source.verification?.status !== 'verified') return [];
    const page = pageOf({ state } as never, source.url);
    return page?.text ? splitIntoPassages(page.text) : [];
  }
  const text = source.excerpt?.trim();
  return text ? [{ n: 1, text }] : [];
}

/** A CitableDocument with the passage number of each of its blocks (kept on the core's side). */
export type SentDocument = CheckedDocument & { passageNumbers: number[] };

/**
 * The sources sent for citing, in the order sent: context documents first (they are the same
 * for every call of a run, so they stay in the cached prefix), then verified pages and web
 * results when `withWeb` (the full text; analysts run before any web search).
 */
export function citableDocuments(state: WorkflowState, options: { withWeb: boolean }): SentDocument[] {
  const out: SentDocument[] = [];
  const add = (kind: CitableDocument['kind'], s: Source, passages: LocatedText[], context?: string) => {
    const usable = passages.filter((p) => p.text.trim().length > 0);
    if (!usable.length) return;
    out.push({
      kind,
      sourceId: s.id,
      title: kind === 'document' ? (s.documentRef ?? s.title) : s.title,
      ...(s.url ? { url: s.url } : {}),
      ...(context ? { context } : {}),
      passages: usable.map((p) => p.text),
      passageNumbers: usable.map((p) => p.n),
    });
  };
  for (const s of state.sources.filter((x) => x.level === 'L0')) {
    const passages = sourcePassages(state, s);
    const doc = state.contextDocuments.find((d) => d.sourceId === s.id);
    const cut = doc?.truncated ? ' Some of its passages were left out to fit the context budget.' : '';
    if (passages.length) add('document', s, passages, `Source ${s.id}: a context document supplied by the client (${s.documentRef ?? s.title}).${cut}`);
    // A source listed in a research briefing: its excerpt, as a search result.
    else if (s.excerpt?.trim()) add('search_result', s, [{ n: 1, text: s.excerpt.trim() }]);
  }
  if (options.withWeb) {
    for (const s of state.sources.filter((x) => x.level === 'L1' || x.level === 'L2')) add('search_result', s, sourcePassages(state, s));
  }
  return out;
}

/**
 * The passages chosen for one analyst's focus beyond the shared context (contextBudget.ts), as
 * documents of their own, attached after the shared ones (outside the cached prefix).
 */
export function analystDocuments(state: WorkflowState, analystId: string): SentDocument[] {
  const refs = state.analystPassages[analystId] ?? [];
  const out: SentDocument[] = [];
  for (const sourceId of [...new Set(refs.map((r) => r.sourceId))]) {
    const s = state.sources.find((x) => x.id === sourceId);
    const wanted = new Set(refs.filter((r) => r.sourceId === sourceId).map((r) => r.n));
    const passages = (s?.passages ?? []).filter((p) => wanted.has(p.n) && p.text.trim());
    if (!s || !passages.length) continue;
    out.push({
      kind: 'document',
      sourceId,
      title: s.documentRef ?? s.title,
      context: `More passages of source ${sourceId} for your focus, left out of the shared context.`,
      passages: passages.map((p) => p.text),
      passageNumbers: passages.map((p) => p.n),
    });
  }
  return out;
}

/**
 * The source registry as the steps that write claims see it: only the sources they were given,
 * each saying how it may be cited — quoted (attached) or by id as an unverified source.
 */
export function citingRegistryText(sources: Source[], quotable: Set<string>, unverified: Set<string>): string {
  const lines = sources
    .filter((s) => quotable.has(s.id) || unverified.has(s.id))
    .map((s) => {
      const who = s.level === 'L1' && s.analyst ? `, named by the ${s.analyst} analyst` : '';
      const when = s.publishedDate ? `, ${s.publishedDate.slice(0, 10)}` : '';
      const where = s.url ? ` <${s.url}>` : s.documentRef ? ` (${s.documentRef})` : '';
      const how = quotable.has(s.id)
        ? 'attached: cite it by quoting its passages'
        : 'UNVERIFIED (named from memory, its page could not be checked): cite it as [' + s.id + '] only where nothing checked supports the claim; the reader sees it marked unverified';
      return `- [${s.id}] (${s.level}${who}${when}) ${s.title}${where} — ${how}`;
    });
  return lines.length ? lines.join('\n') : '(no sources)';
}
