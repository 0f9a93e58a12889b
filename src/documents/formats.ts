/**
 * Which files are documents, in which format, and in which family of the type filter.
 * Must not: read files.
 */
import type { DocumentFormat } from '../core/passages';
import type { DocumentType } from '../core/ports';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  csv: 'csv',
  pptx: 'pptx',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  yaml: 'text',
  yml: 'text',
  json: 'text',
  html: 'html',
  htm: 'html',
};

export const FAMILY: Record<DocumentFormat, DocumentType> = {
  pdf: 'pdf',
  docx: 'word',
  xlsx: 'sheets',
  csv: 'sheets',
  pptx: 'slides',
  markdown: 'text',
  text: 'text',
  html: 'text',
  briefing: 'text',
};

/** The extensions of each family (for file pickers). */
export function extensionsOf(type: DocumentType): string[] {
  return Object.entries(BY_EXTENSION)
    .filter(([, f]) => FAMILY[f] === type)
    .map(([ext]) => ext);
}

/** Older binary Office formats: named in the message so the person knows to save as the new one. */
const LEGACY: Record<string, string> = { doc: '.docx', xls: '.xlsx', ppt: '.pptx' };

export function extensionOf(p: string): string {
  const name = p.split(/[\\/]/).pop() ?? p;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function formatOf(p: string): DocumentFormat | null {
  return BY_EXTENSION[extensionOf(p)] ?? null;
}

export function legacyReplacement(p: string): string | undefined {
  return LEGACY[extensionOf(p)];
}
