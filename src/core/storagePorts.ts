/**
 * The ports of the workflow core for what it keeps and reads: the state store, the workspace
 * where documents are written, the person's documents, the clock and the log. Part of ports.ts
 * (which re-exports them); implemented by src/core/stateStore.ts, src/documents and src/vscode.
 *
 * Owns: these interfaces. Must not: import `vscode` or an SDK, or implement anything.
 */
import type { DocumentFormat, ParsedDocument } from './passages';
import type { WorkflowState } from './state';
import type { DocumentProblem } from '../shared/gates/sources';
import type { DocumentType } from '../shared/workflowNames';

export interface RunSummary {
  id: string;
  title: string;
  problem: string;
  status: WorkflowState['status'];
  step: WorkflowState['step'];
  awaiting: WorkflowState['awaiting'];
  updatedAt: string;
  costUsd: number;
  /** The run's own budget, when it has one. */
  budgetUsd?: number | null;
  /** Why a failed run stopped (its last error). */
  error?: string;
  /** Models of the run without a known price (their cost is not in `costUsd`). */
  unpricedModels?: string[];
  /** Overnight runs: `submitted`, `in-progress`, `results-ready`. */
  overnight?: string;
  notices?: WorkflowState['notices'];
}

export interface LoadResult {
  state: WorkflowState;
  /** Set when the main file was unreadable and the backup was used. */
  recoveredFromBackup?: string;
}

export interface StateStore {
  save(state: WorkflowState): Promise<void>;
  load(id: string): Promise<LoadResult>;
  list(): Promise<RunSummary[]>;
  appendRunLog(id: string, markdown: string): Promise<void>;
  readRunLog(id: string): Promise<string>;
  /** Path of the run log file, when it lives on disk. */
  runLogPath?(id: string): string;
}

/** Reads context documents and writes the documents a run produces into the workspace. */
export interface Workspace {
  /** Reads a text document (markdown, text, yaml). Throws a clear error when it cannot. */
  readText(path: string): Promise<string>;
  /**
   * Writes a document of the run (analyst output or final document) and returns its path.
   * `kind` lets the VS Code layer open it as an editor tab and protect the person's edits.
   */
  writeDocument(
    relativePath: string,
    markdown: string,
    kind: 'analyst' | 'final' | 'log',
  ): Promise<string>;
}

/** Why a document could not be used; the message names the file and what to do. */
export type { DocumentProblem } from '../shared/gates/sources';
export type { DocumentProblemCode } from '../shared/workflowNames';

/** Families of formats the person can filter a folder by. */
export { DOCUMENT_TYPES, type DocumentType } from '../shared/workflowNames';

/** The person's documents: files of any supported format read into located passages. */
export interface Documents {
  /** Reads a document (workspace-relative or absolute path) into passages. Throws DocumentError. */
  read(path: string, options?: { signal?: AbortSignal }): Promise<ParsedDocument>;
  /**
   * The documents in the chosen files and folders (recursively, keeping only `types`), as
   * paths `read` accepts; what could not be taken is listed in `problems`.
   */
  expand(paths: string[], types?: readonly DocumentType[]): Promise<{ files: string[]; problems: DocumentProblem[] }>;
  /** SHA-256 of the document's bytes now, or null when it is gone or unreadable. */
  fingerprint(path: string): Promise<string | null>;
  /** The format a path would be read as, or null when it is not a supported document. */
  formatOf(path: string): DocumentFormat | null;
}

export interface Clock {
  now(): Date;
}

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

