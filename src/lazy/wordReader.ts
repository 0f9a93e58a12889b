/**
 * Word reader (loaded on first use): paragraphs grouped under their headings, through mammoth's
 * document model (its HTML output is not used). Each passage is located by its heading path
 * (`Market › Germany`) and the numbers of its paragraphs within that section; a table becomes
 * one paragraph of `a | b | c` rows.
 */
import mammoth from 'mammoth';
import { makePassage, MAX_PASSAGE_CHARS, TARGET_PASSAGE_CHARS, type Passage } from '../core/passages';
import { readerError, throwIfAborted, type ReadFormat } from '../documents/reader';

interface DocElement {
  type: string;
  value?: string;
  styleName?: string | null;
  styleId?: string | null;
  children?: DocElement[];
}

interface Para {
  text: string;
  /** Heading level (1 = outermost), when the paragraph is a heading. */
  level?: number;
}

function textOf(el: DocElement): string {
  switch (el.type) {
    case 'text':
      return el.value ?? '';
    case 'tab':
      return '\t';
    case 'break':
      return '\n';
    case 'note':
    case 'comment':
      return '';
    default:
      return (el.children ?? []).map(textOf).join('');
  }
}

function headingLevel(el: DocElement): number | undefined {
  const name = `${el.styleName ?? ''} ${el.styleId ?? ''}`;
  if (/\btitle\b/i.test(el.styleName ?? '') || /^Title$/i.test(el.styleId ?? '')) return 1;
  const m = /heading\s*(\d)/i.exec(name);
  return m ? Math.max(1, Number(m[1])) : undefined;
}

function collect(el: DocElement, out: Para[]): void {
  if (el.type === 'paragraph') {
    const text = textOf(el).replace(/[ \t]+/g, ' ').trim();
    if (text) out.push({ text, level: headingLevel(el) });
    return;
  }
  if (el.type === 'table') {
    const rows = (el.children ?? [])
      .filter((r) => r.type === 'tableRow')
      .map((r) => (r.children ?? []).map((c) => textOf(c).replace(/\s+/g, ' ').trim()).join(' | '))
      .filter((r) => r.replace(/[|\s]/g, ''));
    if (rows.length) out.push({ text: rows.join('\n') });
    return;
  }
  for (const child of el.children ?? []) collect(child, out);
}

export const readDocx: ReadFormat = async (bytes, path, options = {}) => {
  const paras: Para[] = [];
  try {
    await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        transformDocument: (doc: DocElement) => {
          collect(doc, paras);
          return doc;
        },
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (/encrypt|password/i.test(message)) throw readerError('encrypted', 'is protected by a password: save an unprotected copy and choose that one.');
    throw readerError('corrupt', `is not a readable Word document (${message.slice(0, 120)}): open it in Word to check it, or save it again as .docx.`);
  }
  throwIfAborted(options.signal);

  const passages: Passage[] = [];
  const headings: string[] = [];
  let para = 0;
  let group: string[] = [];
  let first = 1;
  const flush = () => {
    if (!group.length) return;
    passages.push(makePassage(passages.length + 1, group.join('\n\n'), { kind: 'section', path, headings: [...headings], paragraph: first, endParagraph: para }));
    group = [];
  };
  for (const p of paras) {
    if (p.level !== undefined) {
      flush();
      headings.length = Math.min(headings.length, p.level - 1);
      headings.push(p.text.slice(0, 120));
      para = 0;
      continue;
    }
    // Very long paragraphs are split at sentence ends into passages of their own (never cut in a word).
    const pieces = p.text.length > MAX_PASSAGE_CHARS ? p.text.match(new RegExp(`[\\s\\S]{1,${MAX_PASSAGE_CHARS}}(?=\\s|$)`, 'g')) ?? [p.text] : [p.text];
    para++;
    for (const piece of pieces) {
      if (group.length && group.join('\n\n').length + piece.length > TARGET_PASSAGE_CHARS) flush();
      if (!group.length) first = para;
      group.push(piece.trim());
    }
  }
  flush();
  if (passages.length === 0) {
    const onlyHeadings = paras.length > 0;
    throw readerError('no-text', onlyHeadings ? 'has headings but no paragraphs of text.' : 'has no text (it may hold only images): give the text in another document.');
  }
  const sections = new Set(passages.map((p) => (p.location.kind === 'section' ? p.location.headings.join('\u0000') : ''))).size;
  return { passages, units: sections, notes: [] };
};
