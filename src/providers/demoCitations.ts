/**
 * Citations in demo mode: the demo's answers cite the documents attached to the request, each
 * citation quoting a real sentence of a real passage, so that a newcomer without a key sees
 * what checked evidence looks like (and the fake API of the tests answers the same way).
 *
 * Owns: turning a demo answer's text into text blocks with citations — the worked example's
 * `[S3]` / `[S3.14]` ids of attached sources become citations of their passages (quoting the
 * sentence the worked example points at, or the passage's first one); ids side by side cite
 * the same claim; an answer that names none gets one quoted passage — leaving ids of sources
 * that are not attached (an unverified source) as they are. Must not: write the answers themselves (demo.ts does).
 */

export interface DemoDocument {
  kind: 'document' | 'search_result';
  title: string;
  passages: string[];
}

/** A citation of the demo: blocks [start, end) of the `index`-th document (or search result) of its kind. */
export interface DemoCitation {
  kind: DemoDocument['kind'];
  index: number;
  start: number;
  end: number;
  quote: string;
}

export interface DemoBlock {
  text: string;
  citations?: DemoCitation[];
}

/** The first whole sentence of a passage (not a heading), word for word; else its first line. */
export function firstSentence(passage: string): string {
  const lines = passage.split('\n').filter((l) => l.trim() && !/^\s*#/.test(l));
  for (const line of lines) {
    const m = /[A-ZÀ-Ý0-9][^.!?\n]{15,200}[.!?]/.exec(line);
    if (m) return m[0];
  }
  return (lines[0] ?? passage).trim().slice(0, 160);
}

/** Longest quote taken from a passage (a window around the phrase beyond it). */
const QUOTE_MAX = 240;

/**
 * The sentence (or list item) of `passage` that holds `phrase` (case and whitespace aside), in
 * the passage's own words without a list marker; undefined when the passage does not hold it.
 */
export function sentenceHolding(passage: string, phrase: string): string | undefined {
  const words = phrase.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const m = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'i').exec(passage);
  if (!m) return undefined;
  // Units end at a sentence end, a blank line or the start of a list item or heading.
  const boundary = /[.!?](?=\s)|\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|#{1,6}) )/g;
  let start = 0;
  let end = passage.length;
  for (const b of passage.matchAll(boundary)) {
    const at = b.index! + (b[0].startsWith('\n') ? b[0].length : 1);
    if (at <= m.index) start = at;
    else if (b.index! >= m.index + m[0].length) {
      end = b[0].startsWith('\n') ? b.index! : b.index! + 1;
      break;
    }
  }
  let quote = passage.slice(start, end).replace(/^\s*(?:[-*]|\d+\.|#{1,6})\s+/, '').trim();
  if (quote.length > QUOTE_MAX) {
    const at = quote.toLowerCase().indexOf(m[0].toLowerCase());
    const from = Math.max(0, quote.lastIndexOf(' ', Math.max(0, at - 60)) + 1);
    const to = quote.indexOf(' ', Math.min(quote.length, from + QUOTE_MAX - 20));
    quote = quote.slice(from, to < 0 ? quote.length : to).trim();
  }
  return quote || undefined;
}

function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4));
}

/** The sentences (and list items) of a passage, in its own words, without list markers or headings. */
export function sentencesOf(passage: string): string[] {
  return passage
    .split(/(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|#{1,6}) )/)
    .map((x) => x.replace(/^\s*(?:[-*]|\d+\.)\s+/, '').trim())
    .filter((x) => x.length >= 20 && x.length <= QUOTE_MAX && !/^#/.test(x));
}

/**
 * The citation of document `d` whose sentence shares most words with `claim`: in block
 * `block` when given, else in any of its blocks. Null when no sentence shares a word.
 */
function closestCitation(docs: DemoDocument[], d: number, claim: string, block?: number): (DemoCitation & { score: number }) | null {
  const doc = docs[d];
  if (!doc) return null;
  const claimWords = wordsOf(claim);
  let best: (DemoCitation & { score: number }) | null = null;
  doc.passages.forEach((p, i) => {
    if (block !== undefined && i !== block) return;
    for (const sentence of sentencesOf(p)) {
      const score = [...wordsOf(sentence)].filter((w) => claimWords.has(w)).length;
      if (score > 0 && (!best || score > best.score)) best = { ...citationOf(docs, d, i, sentence)!, score };
    }
  });
  return best;
}

function citationOf(docs: DemoDocument[], d: number, block: number, quote?: string): DemoCitation | null {
  const doc = docs[d];
  if (!doc || doc.passages.length === 0) return null;
  const start = Math.max(0, Math.min(block, doc.passages.length - 1));
  const index = docs.slice(0, d).filter((x) => x.kind === doc.kind).length;
  const held = quote && doc.passages[start].replace(/\s+/g, ' ').includes(quote.replace(/\s+/g, ' ')) ? quote : undefined;
  return { kind: doc.kind, index, start, end: start + 1, quote: held ?? firstSentence(doc.passages[start]) };
}

/** Registry ids of attached sources (`- [S1] (L0) … (path) — attached: …`), mapped to their document. */
export function attachedIds(system: string, docs: DemoDocument[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of system.matchAll(/^- \[(S\d+)\] [^\n]*— attached:/gm)) {
    const line = m[0];
    const d = docs.findIndex((doc) => line.includes(`(${doc.title})`) || line.includes(` ${doc.title} `));
    if (d >= 0) out.set(m[1], d);
  }
  return out;
}

/** The end of the last sentence of `text` before its own end (0 when there is none). */
function sentenceStart(text: string): number {
  let at = 0;
  for (const m of text.matchAll(/[.!?]\s+|\n\s*\n/g)) if (m.index! + m[0].length < text.length) at = m.index! + m[0].length;
  return at;
}

/** The demo answer `text` as blocks citing the attached documents. */
export function demoCitedBlocks(
  req: { step: string; label: string; system: string; documents?: DemoDocument[] },
  text: string,
  italian: boolean,
  /**
   * The quote the answer's author meant for each citation of an id (`S3`, `S3.2`), in order
   * (undefined: none in particular), when it knows them.
   */
  quotes?: ReadonlyMap<string, ReadonlyArray<string | undefined>>,
): DemoBlock[] {
  const docs = req.documents ?? [];
  if (docs.length === 0 || (req.step !== 'analysts' && req.step !== 'fulltext')) return [{ text }];
  const reports = italian ? 'Un documento del cliente riporta: ' : 'A client document reports: ';
  if (req.step === 'analysts') {
    // The analysis closes with the two sentences of different documents closest to it.
    const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
    const closest = docs
      .map((_d, i) => closestCitation(docs, i, body))
      .filter((c): c is DemoCitation & { score: number } => !!c)
      .sort((a, b) => b.score - a.score)
      .slice(0, 2);
    if (!closest.length) {
      const c = citationOf(docs, 0, 0);
      if (c) closest.push({ ...c, score: 0 });
    }
    const blocks: DemoBlock[] = [{ text: text.replace(/\s*$/, '\n') }];
    for (const { score: _score, ...c } of closest) blocks.push({ text: `\n${reports}` }, { text: c.quote, citations: [c] }, { text: '\n' });
    return blocks;
  }
  const ids = attachedIds(req.system, docs);
  // How many citations of each id were read so far (the n-th citation gets the n-th quote).
  const used = new Map<string, number>();
  const blocks: DemoBlock[] = [];
  let last = 0;
  let cited = 0;
  // The whitespace before an id goes with it ("growth\n[S1]." reads "growth[1].").
  for (const m of text.matchAll(/[ \t]*\n?[ \t]*\[(S\d+)(?:\.(\d+))?\]/g)) {
    const d = ids.get(m[1]);
    if (d === undefined) continue;
    const before = text.slice(last, m.index);
    const previous = blocks.at(-1);
    // An id right after another (or after punctuation only) cites the same claim.
    const same = !/[\p{L}\p{N}]/u.test(before) && !!previous?.citations?.length;
    const claim = same ? previous!.text : before.slice(sentenceStart(before));
    const block = m[2] ? Number(m[2]) - 1 : undefined;
    const key = m[2] ? `${m[1]}.${m[2]}` : m[1];
    const seen = (used.get(key) ?? 0) + 1;
    used.set(key, seen);
    const planned = quotes?.get(key)?.[seen - 1];
    const c = planned ? citationOf(docs, d, block ?? 0, planned) : (closestCitation(docs, d, claim) ?? citationOf(docs, d, block ?? 0));
    last = m.index! + m[0].length;
    if (!c) {
      blocks.push({ text: before });
      continue;
    }
    const citation: DemoCitation = { kind: c.kind, index: c.index, start: c.start, end: c.end, quote: c.quote };
    if (same) {
      previous!.text += before;
      previous!.citations!.push(citation);
    } else {
      // The claim's sentence carries the citation; the quote is the passage's own words.
      const cut = sentenceStart(before);
      if (cut > 0) blocks.push({ text: before.slice(0, cut) });
      blocks.push({ text: before.slice(cut), citations: [citation] });
    }
    cited++;
  }
  blocks.push({ text: text.slice(last) });
  if (cited === 0) {
    const c = citationOf(docs, 0, 0);
    if (c) blocks.push({ text: `\n${reports}` }, { text: c.quote, citations: [c] }, { text: '\n' });
  }
  return blocks.filter((b) => b.text.length > 0);
}
