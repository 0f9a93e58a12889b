/**
 * The evidence checker: turns the citations of an answer into evidence records, in code.
 *
 * Owns: resolving each citation to the document or search result it names among those sent
 * (documents and search results are numbered separately, in the order sent), checking that
 * the cited passages exist and hold the quoted text (after whitespace normalization), and the
 * span of the answer each one supports. A citation failing any check is dropped with its
 * reason — never shown. Also the looser text match used to verify an analyst's quote against
 * a fetched page (tolerant of case, whitespace and punctuation).
 * Must not: call anything, or trust any field of a citation.
 */
import type { AnswerEvidence, DroppedCitation, EvidenceRecord } from './evidenceSchema';
import type { AnswerBlock, CitableDocument, ModelCitation } from './ports';

/** A document as sent, with the source's passage number of each block (else block i is passage i + 1). */
export type CheckedDocument = CitableDocument & { passageNumbers?: number[] };

/** Whitespace runs become one space; NFC; trimmed. What "verbatim" means for a citation. */
export function normalizeSpace(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Case, accents, punctuation and whitespace removed: for quotes an analyst gives from memory. */
export function looseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether `page` holds `quote`, tolerant of case, whitespace and punctuation. */
export function holdsQuote(page: string, quote: string): boolean {
  const q = looseText(quote);
  return q.length >= 8 && ` ${looseText(page)} `.includes(` ${q} `);
}

/** The index of the first passage that holds `quote` (loosely), or -1. */
export function passageHolding(passages: string[], quote: string): number {
  return passages.findIndex((p) => holdsQuote(p, quote));
}

interface Located {
  doc: CitableDocument;
  first: number;
  last: number;
  text: string;
}

type Resolution = { ok: true; located: Located } | { ok: false; reason: string };

function resolve(c: ModelCitation, documents: CitableDocument[], results: CitableDocument[]): Resolution {
  const byBlocks = (list: CitableDocument[], what: string): Resolution => {
    if (c.index === null || c.index < 0 || c.index >= list.length) {
      return { ok: false, reason: `it names ${what} ${c.index ?? '(none)'}, which was not sent (${list.length} sent)` };
    }
    const doc = list[c.index];
    if (c.start === null || c.end === null || c.start < 0 || c.end <= c.start || c.end > doc.passages.length) {
      return { ok: false, reason: `its passage range ${c.start ?? '?'}–${c.end ?? '?'} is outside "${doc.title}" (${doc.passages.length} passages)` };
    }
    return { ok: true, located: { doc, first: c.start, last: c.end - 1, text: doc.passages.slice(c.start, c.end).join(' ') } };
  };
  switch (c.type) {
    case 'content_block_location':
      return byBlocks(documents, 'document');
    case 'search_result_location': {
      const r = byBlocks(results, 'search result');
      if (r.ok && c.source !== undefined && r.located.doc.url !== undefined && c.source !== r.located.doc.url) {
        return { ok: false, reason: `its source ${c.source} is not the search result sent (${r.located.doc.url})` };
      }
      return r;
    }
    case 'char_location': {
      // A plain-text reading of the document: its passages one after the other.
      if (c.index === null || c.index < 0 || c.index >= documents.length) {
        return { ok: false, reason: `it names document ${c.index ?? '(none)'}, which was not sent (${documents.length} sent)` };
      }
      const doc = documents[c.index];
      const full = doc.passages.join('');
      if (c.start === null || c.end === null || c.start < 0 || c.end <= c.start || c.end > full.length) {
        return { ok: false, reason: `its character range is outside "${doc.title}"` };
      }
      let offset = 0;
      let first = -1;
      let last = -1;
      doc.passages.forEach((p, i) => {
        const end = offset + p.length;
        if (first < 0 && c.start! < end) first = i;
        if (c.end! > offset) last = i;
        offset = end;
      });
      return { ok: true, located: { doc, first, last, text: full.slice(c.start, c.end) } };
    }
    default:
      return { ok: false, reason: `its type ${c.type} does not point into a source that was sent` };
  }
}

function shorten(text: string, max = 120): string {
  const t = normalizeSpace(text);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * Checks every citation of an answer's blocks against the documents sent with the request.
 * Spans are offsets into the joined text of the blocks (the answer's `text`). A citation
 * repeated on the same span is kept once.
 */
export function checkCitations(sent: CheckedDocument[], blocks: AnswerBlock[]): AnswerEvidence {
  const documents = sent.filter((d) => d.kind === 'document');
  const results = sent.filter((d) => d.kind === 'search_result');
  const records: EvidenceRecord[] = [];
  const dropped: DroppedCitation[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const block of blocks) {
    const span = { start: offset, end: offset + block.text.length };
    offset = span.end;
    for (const c of block.citations) {
      const drop = (reason: string) => dropped.push({ reason, type: c.type, citedText: shorten(c.citedText, 200), claim: shorten(block.text) });
      const quoted = normalizeSpace(c.citedText);
      if (!quoted) {
        drop('it quotes no text');
        continue;
      }
      const r = resolve(c, documents, results);
      if (!r.ok) {
        drop(r.reason);
        continue;
      }
      if (!normalizeSpace(r.located.text).includes(quoted)) {
        drop(`the quoted text is not in the cited passage of "${r.located.doc.title}"`);
        continue;
      }
      if (!block.text.trim()) {
        drop('it is attached to no text of the answer');
        continue;
      }
      const key = `${r.located.doc.sourceId}|${r.located.first}|${quoted}|${span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const numbers = (r.located.doc as CheckedDocument).passageNumbers;
      const number = (i: number) => numbers?.[i] ?? i + 1;
      records.push({ sourceId: r.located.doc.sourceId, passage: number(r.located.first), passageEnd: number(r.located.last), citedText: quoted, span });
    }
  }
  return { records, dropped };
}

/**
 * The answer's blocks when they are the answer (their texts join into its text); otherwise none,
 * so that spans can never point at text that is not there.
 */
export function blocksOf(answer: { text: string; blocks?: AnswerBlock[] }): AnswerBlock[] {
  if (!answer.blocks) return [];
  return answer.blocks.map((b) => b.text).join('') === answer.text ? answer.blocks : [];
}

/** Evidence records of `evidence` whose span lies within [start, end) of the answer, shifted to start at 0. */
export function evidenceWithin(evidence: AnswerEvidence, start: number, end: number): EvidenceRecord[] {
  return evidence.records
    .filter((r) => r.span.start >= start && r.span.end <= end)
    .map((r) => ({ ...r, span: { start: r.span.start - start, end: r.span.end - start } }));
}
