/**
 * What a format reader returns, and how it says a document cannot be used. Shared by the readers
 * in src/lazy (each bundled on its own, so errors are recognized by `code`, not by class).
 *
 * Must not: read files (fileDocuments.ts does) or import a parsing library (the lazy readers do).
 */
import type { Passage } from '../core/passages';
import type { DocumentProblemCode } from '../core/ports';

export interface ReaderResult {
  passages: Passage[];
  /** Pages, slides, sheets or lines. */
  units: number;
  notes: string[];
}

export interface ReaderOptions {
  signal?: AbortSignal;
}

export type ReadFormat = (bytes: Uint8Array, path: string, options?: ReaderOptions) => Promise<ReaderResult>;

/** An Error with a problem code, recognized across bundles. */
export interface ReaderError extends Error {
  code: DocumentProblemCode;
}

export function readerError(code: DocumentProblemCode, message: string): ReaderError {
  const err = new Error(message) as ReaderError;
  err.code = code;
  return err;
}

export function isReaderError(err: unknown): err is ReaderError {
  return err instanceof Error && typeof (err as Partial<ReaderError>).code === 'string';
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const err = new Error('The reading was cancelled.');
    err.name = 'AbortError';
    throw err;
  }
}
