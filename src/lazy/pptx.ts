/**
 * Lazily loaded chunk (dist/lazy/pptx.js): export of an analysis document's key findings to
 * slides.
 *
 * Owns: nothing but the entry point; the `pptxgenjs` and `marked` libraries are bundled here so
 * that activation never loads them. Must not: import `vscode`.
 */
import { writePptx } from '../export/pptx';
import { readAnalysisDocument } from '../export/readDocument';
import { checkZip, type ExportResult } from '../export/result';

/** Reads the markdown and writes the .pptx bytes; problems in the document become warnings. */
export async function exportPptx(markdown: string, fallbackTitle?: string): Promise<ExportResult & { slides: number }> {
  const doc = readAnalysisDocument(markdown, fallbackTitle);
  const { bytes, slides } = await writePptx(doc);
  checkZip(bytes, 'ppt/presentation.xml');
  return { bytes, slides, warnings: doc.warnings, title: doc.meta.title, citations: doc.sources.size };
}
