/**
 * The message protocol between the extension and the Analysis panel (webview), shared by both.
 * Like everything in src/shared/, it is bundled into both the extension and the webview, so its
 * schemas are written with `zod/mini` (a fraction of the size of the full API in the webview).
 *
 * Owns: the schema of every message in both directions, the view state the panel renders, and
 * the keys of the localized string table the panel receives. The gates and their answers are
 * not written here: they come from ./gates, where each is defined once. Each side validates what it
 * receives with `parseToWebview` / `parseFromWebview`; an invalid message is logged and ignored.
 * Must not: import `vscode`, DOM APIs or the core (whose schemas use the full zod).
 */
import * as z from 'zod/mini';
import { Gate, GateAnswerMessage, GateId } from './gates';
import { ANALYST_STATUSES, DOCUMENT_TYPES, RUN_STATUSES, STEPS } from './workflowNames';

const StepName = z.enum(STEPS);
const RunStatus = z.enum(RUN_STATUSES);

// ---------------------------------------------------------------------------------------------
// Gates: what the panel shows when the run waits for the person (each defined in ./gates)

export const DocumentType = z.enum(DOCUMENT_TYPES);

export {
  Gate,
  GateAnswerMessage,
  type BudgetGate,
  type ClarifyGate,
  type FailuresGate,
  type GateAnswer,
  type GateDocument,
  type GateKind,
  type OutlineGate,
  type ProposalGate,
  type SourcesGate,
} from './gates';

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
  /** The person's answer to the gate `gateId` (its schema is the gate's, see ./gates). */
  GateAnswerMessage,
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
