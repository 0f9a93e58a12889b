/**
 * Lazily loaded chunk (dist/lazy/docx.js): export of an analysis document to Word.
 *
 * Owns: nothing but the entry point; the `docx` and `marked` libraries are bundled here so that
 * activation never loads them. Must not: import `vscode`.
 */
import { writeDocx } from '../export/docx';
import { readAnalysisDocument } from '../export/readDocument';
import { checkZip, type ExportResult } from '../export/result';

/** Reads the markdown and writes the .docx bytes; problems in the document become warnings. */
export async function exportDocx(markdown: string, fallbackTitle?: string): Promise<ExportResult> {
  const doc = readAnalysisDocument(markdown, fallbackTitle);
  const bytes = await writeDocx(doc);
  checkZip(bytes, 'word/document.xml');
  return { bytes, warnings: doc.warnings, title: doc.meta.title, citations: doc.sources.size };
}

