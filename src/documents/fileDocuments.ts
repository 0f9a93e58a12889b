/**
 * The Documents port on the local file system: the person's files (PDF, Word, Excel/CSV,
 * PowerPoint, Markdown, text, HTML) and whole folders of them, read into located passages.
 *
 * Owns: confinement to the workspace folders (a path or a symbolic link leading outside is
 * refused, real paths compared), folder walks (type filter, hidden folders and node_modules
 * skipped, symbolic-link loops detected, a cap on the number of files), size limits, the
 * SHA-256 of each file, the choice of reader by extension, and a small in-memory cache so that a
 * document previewed in the gate is not parsed again when the run takes it. Every failure is a
 * DocumentError naming the file and what to do. The heavy readers load on first use
 * (src/lazy/*). Must not: import `vscode` (the VS Code layer passes the folders and localizes
 * the messages by problem code).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DocumentError, isDocumentError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { htmlToLines, textPassages, type DocumentFormat, type ParsedDocument } from '../core/passages';
import type { DocumentProblem, DocumentProblemCode, Documents, DocumentType } from '../core/ports';
import { FAMILY, formatOf, legacyReplacement } from './formats';
import { isReaderError, type ReaderResult } from './reader';

export interface FileDocumentsOptions {
  /** The workspace folders (absolute). Relative paths are resolved against the first one. */
  roots: string[];
  /** Largest file read, in bytes (default 100 MB). */
  maxBytes?: number;
  /** Most files taken from the chosen folders (default 300). */
  maxFiles?: number;
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);
const CACHE_SIZE = 48;

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class FileDocuments implements Documents {
  private readonly roots: string[];
  private realRoots: Promise<string[]> | undefined;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly cache = new Map<string, ParsedDocument>();

  constructor(options: FileDocumentsOptions) {
    this.roots = options.roots.map((r) => path.resolve(r));
    this.maxBytes = options.maxBytes ?? 100 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 300;
  }

  formatOf(p: string): DocumentFormat | null {
    return formatOf(p);
  }

  private absolute(p: string): string {
    if (path.isAbsolute(p)) return path.normalize(p);
    if (!this.roots.length) return path.resolve(p);
    return path.resolve(this.roots[0], p.replace(/\\/g, '/'));
  }

  /** The path shown to the person and kept in the state: relative to its workspace folder. */
  display(abs: string): string {
    for (const root of this.roots) if (isInside(abs, root) && abs !== root) return path.relative(root, abs).split(path.sep).join('/');
    return abs;
  }

  private problem(abs: string, code: DocumentProblemCode, detail: string): DocumentError {
    return new DocumentError({ path: this.display(abs), code, message: `${this.display(abs)} ${detail}` });
  }

  private async real(): Promise<string[]> {
    this.realRoots ??= Promise.all(this.roots.map((r) => fs.realpath(r).catch(() => r)));
    return this.realRoots;
  }

  /** Resolves `p` and checks that it (and what it links to) stays inside a workspace folder. */
  private async confine(p: string): Promise<{ abs: string; real: string }> {
    const abs = this.absolute(p);
    if (!this.roots.some((r) => isInside(abs, r))) {
      throw this.problem(abs, 'outside', 'is outside the workspace folder: copy it into the workspace (or add its folder to the workspace) and choose it there.');
    }
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw this.problem(abs, 'loop', 'is a symbolic link that points to itself: remove the link or choose the file it should point to.');
      throw this.problem(abs, 'missing', 'does not exist (any more): it may have been moved, renamed or deleted since it was chosen. Choose it again.');
    }
    const roots = await this.real();
    if (!roots.some((r) => isInside(real, r))) {
      throw this.problem(abs, 'outside', 'links to a file outside the workspace folder: copy the file into the workspace and choose the copy.');
    }
    return { abs, real };
  }

  async read(p: string, options: { signal?: AbortSignal } = {}): Promise<ParsedDocument> {
    const { abs, real } = await this.confine(p);
    let stat;
    try {
      stat = await fs.stat(real);
    } catch {
      throw this.problem(abs, 'missing', 'does not exist (any more): it may have been moved, renamed or deleted since it was chosen. Choose it again.');
    }
    if (stat.isDirectory()) throw this.problem(abs, 'folder', 'is a folder: add it with "Add folder" to take the documents in it.');
    const format = formatOf(abs);
    if (!format) {
      const newer = legacyReplacement(abs);
      throw this.problem(
        abs,
        'unsupported',
        newer
          ? `is in an older Office format: open it and save it as ${newer}, then choose that file.`
          : 'is not a supported document: use PDF, Word (.docx), Excel (.xlsx, .csv), PowerPoint (.pptx), Markdown, text or HTML.',
      );
    }
    if (stat.size === 0) throw this.problem(abs, 'empty', 'is empty (0 bytes): choose the file with the content, or remove it.');
    if (stat.size > this.maxBytes) {
      throw this.problem(abs, 'too-large', `is too large (${Math.round(stat.size / 1048576)} MB; at most ${Math.round(this.maxBytes / 1048576)} MB): split it or export the part you need.`);
    }
    const key = `${real}\u0000${stat.size}\u0000${stat.mtimeMs}`;
    const cached = this.cache.get(key);
    if (cached) return structuredClone(cached);

    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(real);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw this.problem(abs, 'missing', 'disappeared while it was being read: it may have been moved or deleted. Choose it again.');
      throw this.problem(abs, 'unreadable', `cannot be read (${code ?? 'error'}): check its permissions.`);
    }
    const rel = this.display(abs);
    let result: ReaderResult;
    try {
      result = await parse(bytes, rel, format, options.signal);
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      if (isReaderError(err)) throw this.problem(abs, err.code, err.message);
      throw this.problem(abs, 'corrupt', `could not be read (${err instanceof Error ? err.message.slice(0, 160) : String(err)}): open it to check it, or save it again.`);
    }
    const doc: ParsedDocument = {
      path: rel,
      title: path.basename(abs),
      format,
      sha256: sha256Hex(bytes),
      bytes: bytes.byteLength,
      units: result.units,
      passages: result.passages,
      notes: result.notes,
    };
    this.cache.set(key, doc);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return structuredClone(doc);
  }

  async fingerprint(p: string): Promise<string | null> {
    try {
      const { real } = await this.confine(p);
      return sha256Hex(await fs.readFile(real));
    } catch {
      return null;
    }
  }

  async expand(paths: string[], types?: readonly DocumentType[]): Promise<{ files: string[]; problems: DocumentProblem[] }> {
    const files: string[] = [];
    const problems: DocumentProblem[] = [];
    const seenFiles = new Set<string>();
    const allowed = (abs: string) => {
      const f = formatOf(abs);
      return f !== null && (!types || types.includes(FAMILY[f]));
    };
    const take = (abs: string, real: string) => {
      if (seenFiles.has(real)) return;
      if (files.length >= this.maxFiles) {
        if (!problems.some((x) => x.code === 'too-many')) {
          problems.push({ path: this.display(abs), code: 'too-many', message: `More than ${this.maxFiles} documents were chosen: the first ${this.maxFiles} are taken. Choose a smaller folder or filter by type.` });
        }
        return;
      }
      seenFiles.add(real);
      files.push(this.display(abs));
    };
    const walk = async (dir: string, realDir: string, visited: Set<string>) => {
      let entries;
      try {
        entries = await fs.readdir(realDir, { withFileTypes: true });
      } catch {
        problems.push({ path: this.display(dir), code: 'unreadable', message: `${this.display(dir)} cannot be listed: check its permissions.` });
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
        const abs = path.join(dir, entry.name);
        let target: { abs: string; real: string };
        try {
          target = await this.confine(abs);
        } catch (err) {
          if (isDocumentError(err) && (entry.isSymbolicLink() || err.problem.code !== 'missing')) problems.push(err.problem);
          continue;
        }
        let stat;
        try {
          stat = await fs.stat(target.real);
        } catch {
          continue;
        }
        if (stat.isDirectory()) {
          if (visited.has(target.real)) {
            problems.push({ path: this.display(abs), code: 'loop', message: `${this.display(abs)} links back to a folder already taken (a symbolic-link loop): it is skipped.` });
            continue;
          }
          await walk(abs, target.real, new Set([...visited, target.real]));
        } else if (allowed(abs)) {
          take(abs, target.real);
        }
      }
    };
    for (const p of paths) {
      let target: { abs: string; real: string };
      try {
        target = await this.confine(p);
      } catch (err) {
        if (isDocumentError(err)) problems.push(err.problem);
        else throw err;
        continue;
      }
      const stat = await fs.stat(target.real).catch(() => null);
      if (!stat) {
        problems.push({ path: this.display(target.abs), code: 'missing', message: `${this.display(target.abs)} does not exist (any more). Choose it again.` });
      } else if (stat.isDirectory()) {
        await walk(target.abs, target.real, new Set([target.real]));
      } else if (formatOf(target.abs)) {
        take(target.abs, target.real);
      } else {
        problems.push({ path: this.display(target.abs), code: 'unsupported', message: `${this.display(target.abs)} is not a supported document: use PDF, Word (.docx), Excel (.xlsx, .csv), PowerPoint (.pptx), Markdown, text or HTML.` });
      }
    }
    return { files, problems };
  }
}

/** Reads bytes of a known format into passages (the heavy readers load on first use). */
export async function parse(bytes: Uint8Array, rel: string, format: DocumentFormat, signal?: AbortSignal): Promise<ReaderResult> {
  switch (format) {
    case 'pdf':
      return (await import('../lazy/pdfReader')).readPdf(bytes, rel, { signal });
    case 'docx':
      return (await import('../lazy/wordReader')).readDocx(bytes, rel, { signal });
    case 'xlsx':
      return (await import('../lazy/sheetsReader')).readXlsx(bytes, rel, { signal });
    case 'csv':
      return (await import('../lazy/sheetsReader')).readCsv(bytes, rel, { signal });
    case 'pptx':
      return (await import('../lazy/slidesReader')).readPptx(bytes, rel, { signal });
    default:
      return readText(bytes, rel, format);
  }
}

function readText(bytes: Uint8Array, rel: string, format: DocumentFormat): ReaderResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw Object.assign(new Error('is not a UTF-8 text document: save it again as UTF-8, or export it as PDF.'), { code: 'unreadable' as const });
  }
  const kind = format === 'markdown' ? 'markdown' : format === 'html' ? 'html' : 'text';
  const passages = textPassages(kind === 'html' ? htmlToLines(text) : text, rel, kind);
  if (passages.length === 0) throw Object.assign(new Error('holds only blank lines: choose the file with the content, or remove it.'), { code: 'empty' as const });
  return { passages, units: text.split('\n').length, notes: [] };
}
