/**
 * The message protocol between the extension and the Analysis panel (webview), shared by both.
 * Like everything in src/shared/, it is bundled into both the extension and the webview, so its
 * schemas are written with `zod/mini` (a fraction of the size of the full API in the webview).
 *
 * Owns: the schema of every message in both directions, the view state the panel renders, and
 * the keys of the localized string table the panel receives. Each side validates what it
 * receives with `parseToWebview` / `parseFromWebview`; an invalid message is logged and ignored.
 * Must not: import `vscode`, DOM APIs or the core (whose schemas use the full zod).
 */
import * as z from 'zod/mini';
import { ProposalSchema } from './proposal';
import { ANALYST_STATUSES, DOCUMENT_TYPES, LANGUAGE_SOURCES, RUN_STATUSES, STEPS } from './workflowNames';

const StepName = z.enum(STEPS);
const RunStatus = z.enum(RUN_STATUSES);

// ---------------------------------------------------------------------------------------------
// Gates: what the panel shows when the run waits for the person

/** Identifies one question to the person; answers carrying another id are stale and ignored. */
const GateId = z.int().check(z.nonnegative());

export const DocumentType = z.enum(DOCUMENT_TYPES);

const Count = z.int().check(z.nonnegative());

/** One chosen document as the gate shows it: what it gives, and whether it fits the budget. */
export const GateDocument = z.object({
  path: z.string(),
  title: z.string(),
  format: z.optional(z.string()),
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
  problem: z.optional(z.string()),
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
  briefingFile: z.optional(z.string()),
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
  webSearch: z.optional(z.boolean()),
  /** Why documents of the previous answer were not used (one reason per line), if any. */
  problem: z.optional(z.string()),
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
  synthesizers: z.array(z.extend(Choice, { score: z.optional(z.number()) })),
  templates: z.array(Choice),
  analysts: z.array(Choice),
  webSearchAvailable: z.boolean(),
  /** The analysis language (a code) and where it came from. */
  language: z._default(z.string(), 'en'),
  languageSource: z._default(z.nullable(z.enum(LANGUAGE_SOURCES)), null),
  overnightAvailable: z._default(z.boolean(), false),
  /** The budget per run of the setting; the proposal may only lower it. */
  budgetLimitUsd: z._default(z.nullable(z.number()), null),
});

export const OutlineGate = z.object({
  kind: z.literal('outline'),
  gateId: GateId,
  current: z.string(),
  revisions: z.array(
    z.object({
      n: z.int(),
      text: z.string(),
      author: z.enum(['model', 'person']),
      feedback: z.optional(z.string()),
    }),
  ),
});

export const FailuresGate = z.object({
  kind: z.literal('failures'),
  gateId: GateId,
  failed: z.array(z.object({ id: z.string(), errors: z.array(z.string()) })),
  succeeded: z.array(z.string()),
  threshold: z.int(),
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
  awaiting: z.nullable(z.string()),
  updatedAt: z.string(),
  costUsd: z.number(),
  budgetUsd: z._default(z.nullable(z.number()), null),
  /** Why a failed run stopped. */
  error: z.optional(z.string()),
  unpricedModels: z._default(z.array(z.string()), []),
  /** Overnight runs: `submitted`, `in-progress`, `results-ready`. */
  overnight: z.optional(z.string()),
  /** Recorded as running or waiting, but no window runs it any more (VS Code was closed or killed). */
  interrupted: z._default(z.boolean(), false),
  /** What the person should know about the outcome (every web search failed, ...). */
  notices: z._default(z.array(z.string()), []),
});
export type RunEntry = z.infer<typeof RunEntry>;

export const ActiveRun = z.object({
  id: z.nullable(z.string()),
  title: z.string(),
  step: StepName,
  status: RunStatus,
  costUsd: z.number(),
  /** The run's hard budget, when it has one. */
  budgetUsd: z._default(z.nullable(z.number()), null),
  /** True while model or search calls run (false while waiting for the person). */
  working: z.boolean(),
  analysts: z.array(z.object({ id: z.string(), name: z.string(), status: z.enum(ANALYST_STATUSES) })),
  /** What the person should know about the run so far (every web search failed, ...). */
  notices: z._default(z.array(z.string()), []),
});
export type ActiveRun = z.infer<typeof ActiveRun>;

export const ViewState = z.object({
  demo: z.boolean(),
  webSearchAvailable: z.boolean(),
  workspaceOpen: z.boolean(),
  active: z.nullable(ActiveRun),
  gate: z.nullable(Gate),
  runs: z.array(RunEntry),
  runsLoaded: z.boolean(),
});
export type ViewState = z.infer<typeof ViewState>;

// ---------------------------------------------------------------------------------------------
// Localized strings for the panel (keys in panelStrings.ts, English text in src/vscode/webviewStrings.ts)

export { STRING_KEYS, type StringKey, type WebviewStrings } from './panelStrings';

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

const ProposalChanges = z.partial(
  z.object({
    synthesizer: z.string().check(z.minLength(1)),
    template: z.string().check(z.minLength(1)),
    analysts: z.array(z.string()).check(z.minLength(1)),
    webSearch: z.boolean(),
    model: z.string().check(z.trim(), z.minLength(1)),
    language: z.string().check(z.trim(), z.regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language code')),
    overnight: z.boolean(),
    budgetUsd: z.number().check(z.positive()),
  }),
);

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
  z.object({ type: z.literal('outline-approve'), gateId: GateId, editedText: z.optional(z.string()) }),
  z.object({ type: z.literal('outline-changes'), gateId: GateId, feedback: z.string().check(z.trim(), z.minLength(1)) }),
  z.object({
    type: z.literal('failures-decide'),
    gateId: GateId,
    decision: z.enum(['retry-failed', 'continue-partial', 'abort']),
  }),
  z.object({
    type: z.literal('budget-decide'),
    gateId: GateId,
    decision: z.enum(['raise', 'continue-partial', 'cancel']),
    budgetUsd: z.optional(z.number().check(z.positive())),
  }),
  z.object({ type: z.literal('cancel-run') }),
  z.object({ type: z.literal('open-run'), id: z.string().check(z.minLength(1)) }),
  z.object({ type: z.literal('export-run'), id: z.string().check(z.minLength(1)), format: z.enum(['docx', 'pptx']) }),
  z.object({ type: z.literal('command'), command: PanelCommand }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodMiniType<T>, data: unknown): ParseResult<T> {
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
