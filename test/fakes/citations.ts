/**
 * The Citations feature of the fake Messages API: what the request offers to cite (documents
 * and search results, as the real API reads them), the checks the real API makes on them, and
 * builders of citations — well-formed ones and the malformed ones a hostile or confused answer
 * may carry (a block index out of range, a quote the passage does not hold, a document that
 * was not sent) — so that the client's checker can be tested through the real SDK.
 * Must not: decide what a responder answers (the responders do).
 */
import { isRecord } from './http';

/** A citable source of the request, as the model would see it. */
export interface FakeCitable {
  kind: 'document' | 'search_result';
  /** `document_index` among documents, or `search_result_index` among search results. */
  index: number;
  title: string | null;
  /** Search results: their `source` (the URL). */
  source?: string;
  /** `content` documents and search results: one text per block; `text` documents: one. */
  blocks: string[];
  sourceType: 'content' | 'text' | 'search_result';
  citationsEnabled: boolean;
}

/** One text block of an answer; `citations` are sent as they are (wire shape, maybe malformed). */
export interface FakeAnswerBlock {
  text: string;
  citations?: Array<Record<string, unknown>>;
}

/** The citable sources of a request body, in order, with their per-kind index. */
export function requestCitables(body: Record<string, unknown>): FakeCitable[] {
  const out: FakeCitable[] = [];
  let documents = 0;
  let results = 0;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const m of messages) {
    if (!isRecord(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (!isRecord(b)) continue;
      const enabled = isRecord(b.citations) && b.citations.enabled === true;
      if (b.type === 'document' && isRecord(b.source)) {
        const src = b.source;
        const title = typeof b.title === 'string' ? b.title : null;
        if (src.type === 'content') {
          const blocks = Array.isArray(src.content)
            ? src.content.filter(isRecord).map((c) => (typeof c.text === 'string' ? c.text : ''))
            : typeof src.content === 'string'
              ? [src.content]
              : [];
          out.push({ kind: 'document', index: documents++, title, blocks, sourceType: 'content', citationsEnabled: enabled });
        } else if (src.type === 'text') {
          out.push({ kind: 'document', index: documents++, title, blocks: [String(src.data ?? '')], sourceType: 'text', citationsEnabled: enabled });
        } else {
          documents++;
        }
      } else if (b.type === 'search_result') {
        const blocks = Array.isArray(b.content) ? b.content.filter(isRecord).map((c) => (typeof c.text === 'string' ? c.text : '')) : [];
        out.push({
          kind: 'search_result',
          index: results++,
          title: typeof b.title === 'string' ? b.title : null,
          source: typeof b.source === 'string' ? b.source : undefined,
          blocks,
          sourceType: 'search_result',
          citationsEnabled: enabled,
        });
      }
    }
  }
  return out;
}

/** What the real API answers 400 for in the citable blocks of a request, or null. */
export function citationRequestProblem(body: Record<string, unknown>, citables: FakeCitable[]): string | null {
  for (const c of citables) {
    if (c.blocks.length === 0) return `messages: ${c.kind} content must contain at least one block`;
    if (c.blocks.some((t) => t.length === 0)) return 'messages: text content blocks must be non-empty';
  }
  const docs = citables.filter((c) => c.kind === 'document');
  if (docs.some((d) => d.citationsEnabled) && docs.some((d) => !d.citationsEnabled)) {
    return 'Citations must be enabled on all documents or on none.';
  }
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (format && citables.some((c) => c.citationsEnabled)) {
    return 'Citations are not supported together with output_config.format (structured outputs).';
  }
  return null;
}

/**
 * A well-formed citation of `blocks` [start, end) of a citable: `cited_text` is those blocks'
 * text (or `quote`, which the caller takes from them). `text` documents get a `char_location`.
 */
export function citationOf(c: FakeCitable, start: number, end = start + 1, quote?: string): Record<string, unknown> {
  const joined = c.blocks.slice(start, end).join('');
  if (c.kind === 'search_result') {
    return {
      type: 'search_result_location',
      cited_text: quote ?? joined,
      search_result_index: c.index,
      source: c.source ?? '',
      title: c.title,
      start_block_index: start,
      end_block_index: end,
    };
  }
  if (c.sourceType === 'text') {
    const text = c.blocks[0];
    const q = quote ?? text.slice(0, Math.min(text.length, 80));
    const at = Math.max(0, text.indexOf(q));
    return {
      type: 'char_location',
      cited_text: q,
      document_index: c.index,
      document_title: c.title,
      start_char_index: at,
      end_char_index: at + q.length,
      file_id: null,
    };
  }
  return {
    type: 'content_block_location',
    cited_text: quote ?? joined,
    document_index: c.index,
    document_title: c.title,
    start_block_index: start,
    end_block_index: end,
    file_id: null,
  };
}

/** The malformed citations the tests need, each built on a real citable of the request. */
export const malformed = {
  /** A block index past the last passage. */
  outOfRange(c: FakeCitable): Record<string, unknown> {
    return { ...citationOf(c, 0), start_block_index: c.blocks.length + 2, end_block_index: c.blocks.length + 3 };
  },
  /** A quote the cited passage does not hold. */
  wrongQuote(c: FakeCitable): Record<string, unknown> {
    return { ...citationOf(c, 0), cited_text: 'A sentence that no passage of this document contains, invented by the model.' };
  },
  /** A document index past the documents sent. */
  unsentDocument(c: FakeCitable, total: number): Record<string, unknown> {
    return c.kind === 'search_result'
      ? { ...citationOf(c, 0), search_result_index: total + 5 }
      : { ...citationOf(c, 0), document_index: total + 5 };
  },
};
