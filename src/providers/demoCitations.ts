/**
 * Citations in demo mode: the demo's answers cite the documents attached to the request, each
 * citation quoting a real sentence of a real passage, so that a newcomer without a key sees
 * what checked evidence looks like (and the fake API of the tests answers the same way).
 *
 * Owns: turning a demo answer's text into text blocks with citations — the worked example's
 * `[S3]` / `[S3.14]` ids of attached sources become citations of their passages; an answer
 * that names none gets one quoted passage — leaving ids of sources that are not attached (an
 * unverified source) as they are. Must not: write the answers themselves (demo.ts does).
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

function citationOf(docs: DemoDocument[], d: number, block: number): DemoCitation | null {
  const doc = docs[d];
  if (!doc || doc.passages.length === 0) return null;
  const start = Math.max(0, Math.min(block, doc.passages.length - 1));
  const index = docs.slice(0, d).filter((x) => x.kind === doc.kind).length;
  return { kind: doc.kind, index, start, end: start + 1, quote: firstSentence(doc.passages[start]) };
}

/** Registry ids of attached sources (`- [S1] (L0) … (path) — attached: …`), mapped to their document. */
function attachedIds(system: string, docs: DemoDocument[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of system.matchAll(/^- \[(S\d+)\] [^\n]*— attached:/gm)) {
    const line = m[0];
    const d = docs.findIndex((doc) => line.includes(`(${doc.title})`) || line.includes(` ${doc.title} `));
    if (d >= 0) out.set(m[1], d);
  }
  return out;
}

/** The demo answer `text` as blocks citing the attached documents. */
export function demoCitedBlocks(req: { step: string; label: string; system: string; documents?: DemoDocument[] }, text: string, italian: boolean): DemoBlock[] {
  const docs = req.documents ?? [];
  if (docs.length === 0 || (req.step !== 'analysts' && req.step !== 'fulltext')) return [{ text }];
  const reports = italian ? 'Un documento del cliente riporta: ' : 'A client document reports: ';
  if (req.step === 'analysts') {
    const k = [...req.label].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 97, 0);
    const blocks: DemoBlock[] = [{ text: text.replace(/\s*$/, '\n') }];
    for (let i = 0; i < Math.min(2, docs.length); i++) {
      const c = citationOf(docs, (k + i) % docs.length, 0);
      if (c) blocks.push({ text: `\n${reports}` }, { text: c.quote, citations: [c] }, { text: '\n' });
    }
    return blocks;
  }
  const ids = attachedIds(req.system, docs);
  const blocks: DemoBlock[] = [];
  let last = 0;
  let cited = 0;
  for (const m of text.matchAll(/ ?\[(S\d+)(?:\.(\d+))?\]/g)) {
    const d = ids.get(m[1]);
    if (d === undefined) continue;
    const c = citationOf(docs, d, m[2] ? Number(m[2]) - 1 : 0);
    const before = text.slice(last, m.index);
    last = m.index! + m[0].length;
    if (!c) {
      blocks.push({ text: before });
      continue;
    }
    // The claim's sentence carries the citation; the quote is the passage's own words.
    const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('\n')) + 1;
    if (cut > 0) blocks.push({ text: before.slice(0, cut) });
    blocks.push({ text: before.slice(cut), citations: [{ ...c }] });
    cited++;
  }
  blocks.push({ text: text.slice(last) });
  if (cited === 0) {
    const c = citationOf(docs, 0, 0);
    if (c) blocks.push({ text: `\n${reports}` }, { text: c.quote, citations: [c] }, { text: '\n' });
  }
  return blocks.filter((b) => b.text.length > 0);
}
