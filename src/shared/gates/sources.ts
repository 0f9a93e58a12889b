/**
 * The sources gate, defined once: what the workflow asks (the need for sources, the previous
 * choice when asked again and why it could not be used), what a choice would give (the preview
 * of each document), what the person answers, and the form's own state in the panel.
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rule that turns the panel's answer into the workflow's choice. Must not: read documents
 * (the core's preview does), word problems for the person (the VS Code layer does, by code), or
 * import `vscode`, DOM APIs or the core. Written with `zod/mini` (bundled into the webview).
 */
import * as z from 'zod/mini';
import { DOCUMENT_FORMATS, DOCUMENT_PROBLEM_CODES, DOCUMENT_TYPES, type DocumentType } from '../workflowNames';

const Count = z.int().check(z.nonnegative());
const DocumentTypeSchema = z.enum(DOCUMENT_TYPES);

/** Why a document cannot be used; the message (English) names the file and what to do. */
export const DocumentProblem = z.object({
  path: z.string(),
  code: z.enum(DOCUMENT_PROBLEM_CODES),
  /** In English, naming the file and what to do; the VS Code layer shows a localized one by `code`. */
  message: z.string(),
});
export type DocumentProblem = z.infer<typeof DocumentProblem>;

/** What one chosen document would give: its passages and tokens, and whether it fits the budget. */
export const DocumentPreview = z.object({
  /** The path to choose it by (what `Documents.read` takes). */
  path: z.string(),
  title: z.string(),
  format: z.optional(z.enum(DOCUMENT_FORMATS)),
  /** Pages, slides, sheets, sections or lines (see `format`). */
  units: Count,
  passages: Count,
  tokens: Count,
  /** Tokens of its passages in the shared context. */
  selectedTokens: Count,
  /** `all`: every passage goes in; `part`: some are left out; `none`: none fits. */
  fits: z.enum(['all', 'part', 'none']),
  /** Locations of passages left out by the budget (the first few). */
  leftOut: z.array(z.string()),
  notes: z.array(z.string()),
  /** Set when the document cannot be read; the others still load. */
  problem: z.optional(DocumentProblem),
  /** Met while walking a chosen folder and skipped (a link loop, too many files): not chosen. */
  skipped: z.optional(z.boolean()),
});
export type DocumentPreview = z.infer<typeof DocumentPreview>;

const PreviewTotals = {
  budgetTokens: Count,
  availableTokens: Count,
  selectedTokens: Count,
};

export const SourcesPreview = z.object({ documents: z.array(DocumentPreview), ...PreviewTotals });
export type SourcesPreview = z.infer<typeof SourcesPreview>;

/** What the workflow asks at the sources gate (the core adds a `preview` callback to it). */
export const SourceChoiceRequest = z.object({
  need: z.enum(['high', 'medium', 'low']),
  rationale: z.string(),
  webSearchAvailable: z.boolean(),
  language: z.string(),
  /** Why the previous choice could not be used (unreadable file, malformed briefing), if any. */
  problem: z.optional(z.string()),
  /** The previous choice without the files that could not be used: the gate starts from it. */
  previous: z.optional(z.object({ contextFiles: z.array(z.string()), briefingFile: z.optional(z.string()), webSearch: z.boolean() })),
  /** Tokens of context the documents may take (the context budget). */
  budgetTokens: Count,
});
export type SourceChoiceRequest = z.infer<typeof SourceChoiceRequest>;

export const SourceChoice = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('choose'),
    /** Paths of context documents (absolute, or relative to the workspace). */
    contextFiles: z.array(z.string()),
    /** Path of a research_briefing.yaml, if any. */
    briefingFile: z.optional(z.string()),
    /** Types of document taken from chosen folders (all when absent). */
    types: z.optional(z.array(DocumentTypeSchema)),
    webSearch: z.boolean(),
  }),
  z.object({ kind: z.literal('cancel') }),
]);
export type SourceChoice = z.infer<typeof SourceChoice>;

/** What the panel answers: the documents are the gate's own state, so only web search. */
export const SourcesAnswer = z.object({ kind: z.literal('choose'), webSearch: z.boolean() });

/** One document as the panel shows it: the preview, its problem worded for the person. */
export const GateDocument = z.extend(DocumentPreview, {
  /** Why it cannot be used (localized), when it cannot. */
  problem: z.optional(z.string()),
  skipped: z.boolean(),
});
export type GateDocument = z.infer<typeof GateDocument>;

/** The form's state in the panel, edited there (files added and removed, types filtered). */
export const SourcesFormState = {
  /** Context documents chosen so far (absolute paths, or relative to the workspace folder). */
  contextFiles: z.array(z.string()),
  briefingFile: z.optional(z.string()),
  /** Which types of document are taken from folders and offered by the file picker. */
  types: z.array(DocumentTypeSchema),
  /** What the chosen documents give, once read. */
  documents: z.array(GateDocument),
  ...PreviewTotals,
  /** True while the chosen documents are being read. */
  reading: z.boolean(),
};

export const ALL_TYPES: readonly DocumentType[] = DOCUMENT_TYPES;

/** The form's state when the gate opens: the previous choice, when asked again. */
export function initialSourcesState(request: SourceChoiceRequest) {
  return {
    contextFiles: [...(request.previous?.contextFiles ?? [])],
    ...(request.previous?.briefingFile ? { briefingFile: request.previous.briefingFile } : {}),
    types: [...ALL_TYPES],
    documents: [],
    availableTokens: 0,
    selectedTokens: 0,
    reading: false,
  };
}

type SourcesGateState = SourceChoiceRequest & { contextFiles: string[]; briefingFile?: string; types: DocumentType[] };

/** The workflow's choice for the panel's answer: the documents as the form holds them. */
export function acceptSources(gate: SourcesGateState, answer: z.infer<typeof SourcesAnswer>): SourceChoice {
  return {
    kind: 'choose',
    contextFiles: [...gate.contextFiles],
    ...(gate.briefingFile ? { briefingFile: gate.briefingFile } : {}),
    types: [...gate.types],
    webSearch: gate.webSearchAvailable && answer.webSearch,
  };
}
