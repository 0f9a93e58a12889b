/**
 * PDF reader (loaded on first use): the text layer of each page, through unpdf (PDF.js).
 * One passage per page, more when a page holds more than one passage's worth of text; each is
 * located by its page number. A scanned PDF without a text layer, an encrypted PDF and a damaged
 * file are reported with what to do (no OCR is attempted).
 */
import { getDocumentProxy } from 'unpdf';
import { makePassage, paragraphs, groupBlocks, type Passage } from '../core/passages';
import { readerError, throwIfAborted, type ReadFormat } from '../documents/reader';

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

export const readPdf: ReadFormat = async (bytes, path, options = {}) => {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js takes ownership of the buffer it is given: pass a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, useSystemFonts: false, stopAtErrors: false, verbosity: 0 });
  } catch (err) {
    const name = (err as Error)?.name ?? '';
    if (name === 'PasswordException') {
      throw readerError('encrypted', 'is protected by a password: save an unprotected copy (or export it again without a password) and choose that one.');
    }
    throw readerError('corrupt', `is not a readable PDF (${(err as Error)?.message ?? 'unknown error'}): open it in a PDF viewer to check it, or export it again.`);
  }
  try {
    const passages: Passage[] = [];
    let empty = 0;
    for (let page = 1; page <= pdf.numPages; page++) {
      throwIfAborted(options.signal);
      const content = await (await pdf.getPage(page)).getTextContent();
      const text = (content.items as TextItem[])
        .filter((i) => typeof i.str === 'string')
        .map((i) => i.str + (i.hasEOL ? '\n' : ''))
        .join('')
        .replace(/[^\S\n]+/g, ' ');
      const groups = groupBlocks(paragraphs(text));
      if (groups.length === 0) empty++;
      for (const group of groups) {
        passages.push(makePassage(passages.length + 1, group.map((b) => b.text).join('\n\n'), { kind: 'page', path, page }));
      }
    }
    if (passages.length === 0) {
      throw readerError('no-text', 'has no text layer (a scanned or image-only PDF): run it through OCR in a PDF tool first, or give the text in another document.');
    }
    const notes = empty ? [`${empty} of ${pdf.numPages} pages have no text (images or scans) and are not used.`] : [];
    return { passages, units: pdf.numPages, notes };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
};
