/**
 * The Citations feature of the Messages API, on the wire: citable sources out, citations in.
 *
 * Owns: turning the port's CitableDocuments into content blocks — a context document as a
 * custom-content `document` (`source.type: "content"`, one text block per passage, citations
 * enabled), a web result as a `search_result` (one text block per passage, citations enabled) —
 * with the cache breakpoint on the last one; and reading the answer's text blocks and their
 * citations (the SDK gathers streamed `citations_delta` events into the same blocks as a JSON
 * answer) into the port's wire-neutral shape, keeping whatever arrives (the core checks it).
 * Must not: judge a citation (range, quoted text): the core's evidence checker does.
 *
 * Citations cannot be combined with a structured output format (`output_config.format`; the
 * API answers 400). No call of this extension sends one: answers that carry metadata (the
 * analysts' YAML frontmatter) write it as plain text, validated by the core.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { AnswerBlock, CitableDocument, ModelCitation } from '../core/ports';

type CitableBlock = Anthropic.DocumentBlockParam | Anthropic.SearchResultBlockParam;

/**
 * The request blocks for `documents`, in order; the last of the first `cached` (default: all)
 * carries `cache_control` when asked.
 */
export function citableBlocks(documents: CitableDocument[], cache: boolean, cached = documents.length): CitableBlock[] {
  const blocks: CitableBlock[] = [];
  for (const doc of documents) {
    // Passages map one to one to blocks, so that block indexes stay the passages' indexes
    // (the core sends no empty passage: the API rejects empty text blocks).
    const content = doc.passages.map((text): Anthropic.TextBlockParam => ({ type: 'text', text }));
    if (doc.kind === 'search_result') {
      blocks.push({ type: 'search_result', source: doc.url ?? doc.title, title: doc.title, content, citations: { enabled: true } });
    } else {
      const block: Anthropic.DocumentBlockParam = {
        type: 'document',
        source: { type: 'content', content },
        title: doc.title,
        citations: { enabled: true },
      };
      if (doc.context) block.context = doc.context;
      blocks.push(block);
    }
  }
  const last = Math.min(cached, blocks.length) - 1;
  if (cache && last >= 0) blocks[last].cache_control = { type: 'ephemeral' };
  return blocks;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** One citation of the answer, whatever its type, without trusting any field. */
export function wireCitation(raw: unknown): ModelCitation | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Record<string, unknown>;
  const type = str(c.type) ?? 'unknown';
  const citedText = str(c.cited_text) ?? '';
  switch (type) {
    case 'content_block_location':
      return { type, citedText, index: num(c.document_index), start: num(c.start_block_index), end: num(c.end_block_index), title: str(c.document_title) };
    case 'char_location':
      return { type, citedText, index: num(c.document_index), start: num(c.start_char_index), end: num(c.end_char_index), title: str(c.document_title) };
    case 'page_location':
      return { type, citedText, index: num(c.document_index), start: num(c.start_page_number), end: num(c.end_page_number), title: str(c.document_title) };
    case 'search_result_location':
      return {
        type,
        citedText,
        index: num(c.search_result_index),
        start: num(c.start_block_index),
        end: num(c.end_block_index),
        source: str(c.source),
        title: str(c.title),
      };
    default:
      return { type, citedText, index: null, start: null, end: null, source: str(c.url), title: str(c.title) };
  }
}

/** The answer's text blocks with their citations (JSON and streamed answers alike). */
export function answerBlocks(content: Anthropic.ContentBlock[]): AnswerBlock[] {
  const out: AnswerBlock[] = [];
  for (const block of content) {
    if (block.type !== 'text') continue;
    const citations = Array.isArray(block.citations)
      ? block.citations.map(wireCitation).filter((c): c is ModelCitation => c !== null)
      : [];
    out.push({ text: block.text, citations });
  }
  return out;
}
