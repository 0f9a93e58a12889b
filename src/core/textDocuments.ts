/**
 * The Documents port for text documents only, over the Workspace port: what the core uses when
 * no reader of binary formats is plugged in (tests that keep files in memory, a host without a
 * file system). Markdown, text and HTML become line-located passages; anything else is refused
 * with a DocumentError saying which formats work.
 */
import { DocumentError, errorMessage } from './errors';
import { sha256Hex } from './hash';
import { htmlToLines, textPassages, type DocumentFormat, type ParsedDocument } from './passages';
import type { DocumentProblemCode, Documents, Workspace } from './ports';

function formatOf(p: string): DocumentFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(p)?.[1]?.toLowerCase() ?? '';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (['pdf', 'docx', 'xlsx', 'pptx', 'png', 'jpg', 'doc', 'xls', 'ppt', 'zip'].includes(ext)) return null;
  return 'text';
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

export function textDocuments(workspace: Workspace): Documents {
  const fail = (path: string, code: DocumentProblemCode, detail: string) => new DocumentError({ path, code, message: `${path} ${detail}` });
  return {
    formatOf,
    async read(path) {
      const format = formatOf(path);
      if (!format) throw fail(path, 'unsupported', 'cannot be read here: only text documents (Markdown, text, HTML) are supported by this host.');
      let text: string;
      try {
        text = await workspace.readText(path);
      } catch (err) {
        throw fail(path, 'unreadable', `could not be read: ${errorMessage(err)}`);
      }
      const lines = format === 'html' ? htmlToLines(text) : text;
      const passages = textPassages(lines, path, format === 'markdown' ? 'markdown' : 'text');
      if (passages.length === 0) throw fail(path, 'empty', 'is empty: choose the file with the content, or remove it.');
      const doc: ParsedDocument = { path, title: baseName(path), format, sha256: sha256Hex(text), bytes: Buffer.byteLength(text), units: text.split('\n').length, passages, notes: [] };
      return doc;
    },
    async expand(paths) {
      return { files: [...paths], problems: [] };
    },
    async fingerprint(path) {
      try {
        return sha256Hex(await workspace.readText(path));
      } catch {
        return null;
      }
    },
  };
}
