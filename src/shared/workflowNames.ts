/**
 * The names of the workflow's steps and of a run's statuses, as plain data: the core builds its
 * schemas from them (src/core/state.ts), the panel's protocol and labels use them without the
 * core. Like everything in src/shared/, it is bundled into both the extension and the webview.
 *
 * Owns: these names and their order (steps, run and analyst statuses, language sources, document
 * types, document formats and problems). Must not: import a schema library, `vscode` or DOM APIs.
 */

/** The fixed order of the workflow. `done` is terminal. */
export const STEPS = ['parse', 'sources', 'clarify', 'propose', 'analysts', 'integrate', 'outline', 'citations', 'fulltext', 'done'] as const;
export type StepName = (typeof STEPS)[number];

/** Where a run stands, as shown in the review queue. */
export const RUN_STATUSES = ['running', 'awaiting', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where the language of an analysis came from. */
export const LANGUAGE_SOURCES = ['setting', 'model', 'detector', 'interface', 'person'] as const;
export type LanguageSource = (typeof LANGUAGE_SOURCES)[number];

/** The kinds of document taken from a folder and offered by the file picker. */
export const DOCUMENT_TYPES = ['pdf', 'word', 'sheets', 'slides', 'text'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The formats a document is read as. */
export const DOCUMENT_FORMATS = ['pdf', 'docx', 'xlsx', 'csv', 'pptx', 'markdown', 'text', 'html', 'briefing'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** Why a document could not be used (the VS Code layer words each for the person). */
export const DOCUMENT_PROBLEM_CODES = ['missing', 'outside', 'folder', 'empty', 'too-large', 'unsupported', 'encrypted', 'corrupt', 'no-text', 'unreadable', 'loop', 'too-many'] as const;
export type DocumentProblemCode = (typeof DOCUMENT_PROBLEM_CODES)[number];

/** Where an analyst of the running run stands. */
export const ANALYST_STATUSES = ['running', 'done', 'failed'] as const;
export type AnalystStatus = (typeof ANALYST_STATUSES)[number];
