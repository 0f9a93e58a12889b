/**
 * The message protocol between the extension and the Analysis panel (webview), shared by both.
 *
 * Owns: the zod schema of every message in both directions, the view state the panel renders,
 * and the keys of the localized string table the panel receives. Each side validates what it
 * receives with `parseToWebview` / `parseFromWebview`; an invalid message is logged and ignored.
 * Must not: import `vscode` or DOM APIs (it is bundled into both the extension and the webview).
 */
import * as z from 'zod';
import { DOCUMENT_TYPES } from '../core/ports';
import { ProposalSchema, RunStatus, StepName, WorkflowStateSchema } from '../core/state';

// ---------------------------------------------------------------------------------------------
// Gates: what the panel shows when the run waits for the person

/** Identifies one question to the person; answers carrying another id are stale and ignored. */
const GateId = z.number().int().nonnegative();

export const DocumentType = z.enum(DOCUMENT_TYPES);

const Count = z.number().int().nonnegative();

/** One chosen document as the gate shows it: what it gives, and whether it fits the budget. */
export const GateDocument = z.object({
  path: z.string(),
  title: z.string(),
  format: z.string().optional(),
  /** Pages, slides, sheets, sections or lines (see `format`). */
  units: Count,
  passages: Count,
  tokens: Count,
  selectedTokens: Count,
  fits: z.enum(['all', 'part', 'none']),
  /** Locations of passages left out by the budget (the first few). */
  leftOut: z.array(z.string()),
  notes: z.array(z.string()),
  /** Met in a chosen folder and skipped (a link loop, too many files): not chosen. */
  skipped: z.boolean(),
  /** Why it cannot be used (localized), when it cannot. */
  problem: z.string().optional(),
});
export type GateDocument = z.infer<typeof GateDocument>;

export const SourcesGate = z.object({
  kind: z.literal('sources'),
  gateId: GateId,
  need: z.enum(['high', 'medium', 'low']),
  rationale: z.string(),
  webSearchAvailable: z.boolean(),
  /** Context documents chosen so far (absolute paths, or relative to the workspace folder). */
  contextFiles: z.array(z.string()),
  briefingFile: z.string().optional(),
  /** Which types of document are taken from folders and offered by the file picker. */
  types: z.array(DocumentType),
  /** What the chosen documents give, once read. */
  documents: z.array(GateDocument),
  budgetTokens: Count,
  availableTokens: Count,
  selectedTokens: Count,
  /** True while the chosen documents are being read. */
  reading: z.boolean(),
  /** The web search choice to start from (the previous answer, when asked again). */
  webSearch: z.boolean().optional(),
  /** Why documents of the previous answer were not used (one reason per line), if any. */
  problem: z.string().optional(),
});

export const ClarifyGate = z.object({
  kind: z.literal('clarify'),
  gateId: GateId,
  questions: z.array(z.object({ id: z.string(), question: z.string() })),
});

const Choice = z.object({ id: z.string(), name: z.string() });

export const ProposalGate = z.object({
  kind: z.literal('proposal'),
  gateId: GateId,
  proposal: ProposalSchema,
  synthesizers: z.array(Choice.extend({ score: z.number().optional() })),
  templates: z.array(Choice),
  analysts: z.array(Choice),
  webSearchAvailable: z.boolean(),
  /** The analysis language (a code) and where it came from. */
  language: z.string().default('en'),
  languageSource: WorkflowStateSchema.shape.languageSource,
  overnightAvailable: z.boolean().default(false),
  /** The budget per run of the setting; the proposal may only lower it. */
  budgetLimitUsd: z.number().nullable().default(null),
});

export const OutlineGate = z.object({
  kind: z.literal('outline'),
  gateId: GateId,
  current: z.string(),
  revisions: z.array(
    z.object({
      n: z.number().int(),
      text: z.string(),
      author: z.enum(['model', 'person']),
      feedback: z.string().optional(),
    }),
  ),
});

export const FailuresGate = z.object({
  kind: z.literal('failures'),
  gateId: GateId,
  failed: z.array(z.object({ id: z.string(), errors: z.array(z.string()) })),
  succeeded: z.array(z.string()),
  threshold: z.number().int(),
});

export const BudgetGate = z.object({
  kind: z.literal('budget'),
  gateId: GateId,
  step: StepName,
  label: z.string(),
  spentUsd: z.number(),
  reservedUsd: z.number(),
  nextCallUsd: z.number(),
  budgetUsd: z.number(),
  partialAllowed: z.boolean(),
});

export const Gate = z.discriminatedUnion('kind', [SourcesGate, ClarifyGate, ProposalGate, OutlineGate, FailuresGate, BudgetGate]);
export type Gate = z.infer<typeof Gate>;
export type SourcesGate = z.infer<typeof SourcesGate>;
export type ClarifyGate = z.infer<typeof ClarifyGate>;
export type ProposalGate = z.infer<typeof ProposalGate>;
export type OutlineGate = z.infer<typeof OutlineGate>;
export type FailuresGate = z.infer<typeof FailuresGate>;
export type BudgetGate = z.infer<typeof BudgetGate>;

// ---------------------------------------------------------------------------------------------
// View state: everything the panel renders, sent whole on every change

export const RunEntry = z.object({
  id: z.string(),
  title: z.string(),
  status: RunStatus,
  step: StepName,
  awaiting: z.string().nullable(),
  updatedAt: z.string(),
  costUsd: z.number(),
  budgetUsd: z.number().nullable().default(null),
  /** Why a failed run stopped. */
  error: z.string().optional(),
  unpricedModels: z.array(z.string()).default([]),
  /** Overnight runs: `submitted`, `in-progress`, `results-ready`. */
  overnight: z.string().optional(),
  /** Recorded as running or waiting, but no window runs it any more (VS Code was closed or killed). */
  interrupted: z.boolean().default(false),
  /** What the person should know about the outcome (every web search failed, ...). */
  notices: z.array(z.string()).default([]),
});
export type RunEntry = z.infer<typeof RunEntry>;

export const ActiveRun = z.object({
  id: z.string().nullable(),
  title: z.string(),
  step: StepName,
  status: RunStatus,
  costUsd: z.number(),
  /** The run's hard budget, when it has one. */
  budgetUsd: z.number().nullable().default(null),
  /** True while model or search calls run (false while waiting for the person). */
  working: z.boolean(),
  analysts: z.array(z.object({ id: z.string(), name: z.string(), status: z.enum(['running', 'done', 'failed']) })),
  /** What the person should know about the run so far (every web search failed, ...). */
  notices: z.array(z.string()).default([]),
});
export type ActiveRun = z.infer<typeof ActiveRun>;

export const ViewState = z.object({
  demo: z.boolean(),
  webSearchAvailable: z.boolean(),
  workspaceOpen: z.boolean(),
  active: ActiveRun.nullable(),
  gate: Gate.nullable(),
  runs: z.array(RunEntry),
  runsLoaded: z.boolean(),
});
export type ViewState = z.infer<typeof ViewState>;

// ---------------------------------------------------------------------------------------------
// Localized strings for the panel (English source text is in src/vscode/webviewStrings.ts)

export const STRING_KEYS = [
  'demoBanner',
  'noWorkspace',
  'currentStep',
  'cost',
  'working',
  'awaitingYou',
  'stepParse',
  'stepSources',
  'stepClarify',
  'stepPropose',
  'stepAnalysts',
  'stepIntegrate',
  'stepOutline',
  'stepCitations',
  'stepFulltext',
  'stepDone',
  'statusRunning',
  'statusAwaiting',
  'statusDone',
  'statusFailed',
  'statusCancelled',
  'statusInterrupted',
  'resumeRun',
  'analystRunning',
  'analystDone',
  'analystFailed',
  'sourcesTitle',
  'sourceNeed',
  'needHigh',
  'needMedium',
  'needLow',
  'addContextDocuments',
  'addResearchBriefing',
  'addFolder',
  'documentTypes',
  'typePdf',
  'typeWord',
  'typeSheets',
  'typeSlides',
  'typeText',
  'readingDocuments',
  'budgetFits',
  'budgetOver',
  'documentSummary',
  'unitsPages',
  'unitsSlides',
  'unitsSheets',
  'unitsSections',
  'unitsLines',
  'fitsAll',
  'fitsPart',
  'fitsNone',
  'leftOut',
  'skipped',
  'contextDocuments',
  'researchBriefing',
  'noContextDocuments',
  'remove',
  'allowWebSearch',
  'webSearchUnavailable',
  'continue',
  'cancelAnalysis',
  'clarifyTitle',
  'submitAnswers',
  'skip',
  'proposalTitle',
  'synthesizer',
  'template',
  'analysts',
  'webSearch',
  'model',
  'estimatedCost',
  'estimateRange',
  'estimateParts',
  'estimateCounted',
  'estimateHeuristic',
  'estimateUnpriced',
  'estimateSpent',
  'overnight',
  'overnightHint',
  'budgetForRun',
  'budgetHint',
  'budgetInvalid',
  'costOfBudget',
  'budgetTitle',
  'budgetSummary',
  'budgetNextCall',
  'budgetNewAmount',
  'budgetRaise',
  'budgetPartial',
  'budgetPartialUnavailable',
  'budgetRaiseInvalid',
  'queueAwaiting',
  'queueFailed',
  'queueRunning',
  'queueOvernight',
  'queueStopped',
  'queueDone',
  'overnightSubmitted',
  'overnightInProgress',
  'overnightReady',
  'costUnknown',
  'costOfBudgetShort',
  'rationale',
  'approve',
  'applyChanges',
  'selectOneAnalyst',
  'language',
  'languageFromSetting',
  'languageFromModel',
  'languageDetected',
  'languageFromInterface',
  'languageChosen',
  'outlineTitle',
  'outline',
  'preview',
  'revisions',
  'revision',
  'byModel',
  'byPerson',
  'feedbackGiven',
  'compareWith',
  'noChanges',
  'feedback',
  'approveOutline',
  'requestChanges',
  'feedbackRequired',
  'failuresTitle',
  'failuresSummary',
  'failedAnalysts',
  'succeededAnalysts',
  'retryFailed',
  'continuePartial',
  'abortAnalysis',
  'analysesTitle',
  'noAnalyses',
  'loading',
  'startAnalysis',
  'resumeHint',
  'openHint',
  'exportWord',
  'exportSlides',
  'setAnthropicKey',
  'showRunLog',
  'idleHint',
] as const;
export type StringKey = (typeof STRING_KEYS)[number];
export type WebviewStrings = Record<StringKey, string>;

const Strings = z.record(z.string(), z.string());

// ---------------------------------------------------------------------------------------------
// Extension -> webview

export const ToWebview = z.discriminatedUnion('type', [
  /** Answer to `ready`: the string table and the whole view state. */
  z.object({ type: z.literal('init'), strings: Strings, state: ViewState }),
  z.object({ type: z.literal('state'), state: ViewState }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

// ---------------------------------------------------------------------------------------------
// Webview -> extension

const ProposalChanges = z
  .object({
    synthesizer: z.string().min(1),
    template: z.string().min(1),
    analysts: z.array(z.string()).min(1),
    webSearch: z.boolean(),
    model: z.string().trim().min(1),
    language: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language code'),
    overnight: z.boolean(),
    budgetUsd: z.number().finite().positive(),
  })
  .partial();

export const PanelCommand = z.enum(['start', 'resume', 'setAnthropicKey', 'showRunLog']);
export type PanelCommand = z.infer<typeof PanelCommand>;

export const FromWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('pick-context-files'), gateId: GateId }),
  z.object({ type: z.literal('pick-context-folder'), gateId: GateId }),
  z.object({ type: z.literal('set-document-types'), gateId: GateId, types: z.array(DocumentType) }),
  z.object({ type: z.literal('pick-briefing'), gateId: GateId }),
  z.object({ type: z.literal('remove-context-file'), gateId: GateId, path: z.string() }),
  z.object({ type: z.literal('remove-briefing'), gateId: GateId }),
  z.object({ type: z.literal('sources-continue'), gateId: GateId, webSearch: z.boolean() }),
  z.object({
    type: z.literal('clarify-answer'),
    gateId: GateId,
    answers: z.record(z.string(), z.string()),
  }),
  z.object({ type: z.literal('clarify-skip'), gateId: GateId }),
  z.object({ type: z.literal('proposal-approve'), gateId: GateId }),
  z.object({ type: z.literal('proposal-modify'), gateId: GateId, changes: ProposalChanges }),
  z.object({ type: z.literal('outline-approve'), gateId: GateId, editedText: z.string().optional() }),
  z.object({ type: z.literal('outline-changes'), gateId: GateId, feedback: z.string().trim().min(1) }),
  z.object({
    type: z.literal('failures-decide'),
    gateId: GateId,
    decision: z.enum(['retry-failed', 'continue-partial', 'abort']),
  }),
  z.object({
    type: z.literal('budget-decide'),
    gateId: GateId,
    decision: z.enum(['raise', 'continue-partial', 'cancel']),
    budgetUsd: z.number().finite().positive().optional(),
  }),
  z.object({ type: z.literal('cancel-run') }),
  z.object({ type: z.literal('open-run'), id: z.string().min(1) }),
  z.object({ type: z.literal('export-run'), id: z.string().min(1), format: z.enum(['docx', 'pptx']) }),
  z.object({ type: z.literal('command'), command: PanelCommand }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): ParseResult<T> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: `${issue?.message ?? 'invalid message'}${where}` };
}

/** Validates a message that arrived in the webview. */
export function parseToWebview(data: unknown): ParseResult<ToWebview> {
  return parseWith(ToWebview, data);
}

/** Validates a message that arrived in the extension. */
export function parseFromWebview(data: unknown): ParseResult<FromWebview> {
  return parseWith(FromWebview, data);
}
