/**
 * The workflow state: one versioned, zod-validated document per analysis.
 *
 * Owns: the shape of everything a run knows (choices, outputs, costs, history) and the
 * rules for creating and upgrading it. Must not: perform I/O (see stateStore.ts) or
 * decide what happens next (see workflow.ts).
 */
import * as z from 'zod';
import { DocumentFormat, Passage } from './passages';
import { redactKeyShapedText } from './secrets';
import { ProposalSchema } from '../shared/proposal';
import { LANGUAGE_SOURCES, RUN_STATUSES, STEPS } from '../shared/workflowNames';
import { AnswerEvidence, PageLookup, SourceVerification } from './evidenceSchema';

export const STATE_VERSION = 1;

export { STEPS } from '../shared/workflowNames';
export const StepName = z.enum(STEPS);
export type StepName = z.infer<typeof StepName>;

/** Where a run stands, as shown in the review queue. */
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/** L0 = context documents given by the person, L1 = sources named by analysts, L2 = web search. */
export const SourceLevel = z.enum(['L0', 'L1', 'L2']);
export type SourceLevel = z.infer<typeof SourceLevel>;

export const SynthesizerScore = z.object({
  id: z.string().min(1),
  score: z.number().min(0).max(1),
  reason: z.string().default(''),
});
export type SynthesizerScore = z.infer<typeof SynthesizerScore>;

export const TokenUsage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheCreationInputTokens: z.number().int().nonnegative().default(0),
  cacheReadInputTokens: z.number().int().nonnegative().default(0),
  /** The part of `cacheCreationInputTokens` written with the 1-hour TTL (priced higher). */
  cacheCreation1hInputTokens: z.number().int().nonnegative().optional(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** One finished model call. `key` identifies it so that a resumed run never pays for it again. */
export const ModelCallRecord = z.object({
  key: z.string().min(1),
  step: StepName,
  model: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  stopReason: z.string().nullable(),
  at: z.string(),
  /** The model's answer text, kept so that a resumed run can reuse it. */
  text: z.string(),
  /** Made through the Message Batches API (billed at the batch price). */
  batch: z.boolean().optional(),
  /** `false` when the model had no known price: `costUsd` is 0 and the cost is unknown. */
  priced: z.boolean().optional(),
  /** The answer's text blocks with their citations as received (checked by the step that uses them). */
  blocks: z
    .array(
      z.object({
        text: z.string(),
        citations: z.array(
          z.object({
            type: z.string(),
            citedText: z.string(),
            index: z.number().nullable(),
            start: z.number().nullable(),
            end: z.number().nullable(),
            source: z.string().optional(),
            title: z.string().optional(),
          }),
        ),
      }),
    )
    .optional(),
});
export type ModelCallRecord = z.infer<typeof ModelCallRecord>;

export const SearchRecord = z.object({
  key: z.string().min(1),
  query: z.string(),
  at: z.string(),
  durationMs: z.number().nonnegative(),
  resultSourceIds: z.array(z.string()),
  costUsd: z.number().nonnegative().default(0),
});
export type SearchRecord = z.infer<typeof SearchRecord>;

export const Source = z.object({
  /** Stable id used in inline citations, e.g. `S3`. */
  id: z.string().regex(/^S\d+$/),
  level: SourceLevel,
  title: z.string(),
  url: z.string().optional(),
  /** For L0: the workspace-relative path or file name of the context document. */
  documentRef: z.string().optional(),
  /** For L1: the analyst that named it. */
  analyst: z.string().optional(),
  publishedDate: z.string().optional(),
  excerpt: z.string().optional(),
  /** What the source says, as located passages (see passages.ts); cited as `[S3.14]`. */
  passages: z.array(Passage).optional(),
  /** For L1: whether its page was fetched and holds the analyst's quote. */
  verification: SourceVerification.optional(),
});
export type Source = z.infer<typeof Source>;

/**
 * A document the person gave as context. A file's passages are in its source (`sourceId`);
 * `selected` lists the passages sent in the shared context (all of them when the documents fit
 * the context budget). A briefing is sent as `text`.
 */
export const ContextDocument = z.object({
  id: z.string(),
  title: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'briefing']),
  /** The briefing's text; for files of older runs, the text that was given to the model. */
  text: z.string().default(''),
  /** Some of the document was left out of the shared context (budget), see `selected`. */
  truncated: z.boolean().default(false),
  sourceId: z.string().optional(),
  format: DocumentFormat.optional(),
  /** SHA-256 of the file's bytes when it was read: a change on disk since then is reported. */
  sha256: z.string().optional(),
  bytes: z.number().int().nonnegative().optional(),
  /** Pages, slides, sheets or lines. */
  units: z.number().int().nonnegative().optional(),
  notes: z.array(z.string()).optional(),
  /** Passage numbers sent in the shared context (omitted: all of them). */
  selected: z.array(z.number().int().positive()).optional(),
});
export type ContextDocument = z.infer<typeof ContextDocument>;

export const AnalystSource = z.object({
  title: z.string().min(1),
  url: z.string().optional(),
  document: z.string().optional(),
  /** A short passage of the source the analyst relies on, checked against the page when it can be fetched. */
  quote: z.string().optional(),
});
export type AnalystSource = z.infer<typeof AnalystSource>;

/** The frontmatter every analyst output must carry. Analyst definitions may require more fields. */
export const AnalystFrontmatter = z
  .object({
    analyst: z.string().min(1),
    key_findings: z.array(z.string().min(1)).min(1),
    confidence: z.enum(['high', 'medium', 'low']),
    sources: z.array(AnalystSource).default([]),
    assumptions: z.array(z.string()).default([]),
    open_questions: z.array(z.string()).default([]),
  })
  .passthrough();
export type AnalystFrontmatter = z.infer<typeof AnalystFrontmatter>;

export const AnalystRun = z.object({
  id: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  attempts: z.number().int().nonnegative(),
  errors: z.array(z.string()).default([]),
  frontmatter: AnalystFrontmatter.optional(),
  body: z.string().optional(),
  /** Where the output was written in the workspace, once written. */
  documentPath: z.string().optional(),
  /** The checked citations of the output (offsets into `body`), and the dropped ones. */
  evidence: AnswerEvidence.optional(),
  /** The sources it named, each verified or not (same order as the frontmatter's `sources`). */
  sourceChecks: z.array(z.object({ url: z.string().optional(), verification: SourceVerification })).optional(),
});
export type AnalystRun = z.infer<typeof AnalystRun>;

export const OutlineRevision = z.object({
  n: z.number().int().positive(),
  text: z.string(),
  createdAt: z.string(),
  /** Who produced it: the model, or the person editing it in the panel. */
  author: z.enum(['model', 'person']),
  /** Feedback the person gave on this revision (asking for the next one). */
  feedback: z.string().optional(),
});
export type OutlineRevision = z.infer<typeof OutlineRevision>;

/**
 * A source id as the model may write it: `S3` or a passage `S3.2` (also `[S3]`, normalized). Anything else
 * is refused, so an answer's text can never pose as an id (and reach a message as one).
 */
export const SourceId = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/^\[(.*)\]$/, '$1').trim() : v),
  z.string().regex(/^S\d+(?:\.\d+)?$/, { message: 'must be a source id of the form S<number> (or S<number>.<passage>), such as S3 or S3.2' }),
);

export const CitationEntry = z.object({
  /** The outline point (heading or bullet text) the sources support. */
  point: z.string().min(1),
  sourceIds: z.array(SourceId).min(1),
});
export type CitationEntry = z.infer<typeof CitationEntry>;

export const HistoryEntry = z.object({
  at: z.string(),
  step: StepName,
  event: z.enum(['start', 'end', 'gate-pass', 'gate-fail', 'decision', 'retry', 'error', 'cancel', 'resume']),
  detail: z.string().default(''),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ErrorEntry = z.object({
  at: z.string(),
  step: StepName,
  message: z.string(),
});

export const PassageRef = z.object({
  sourceId: z.string(),
  n: z.number().int().positive(),
  /** Where it stands (`report.pdf, p. 14`), for the person. */
  label: z.string(),
  tokens: z.number().int().nonnegative(),
});
export type PassageRef = z.infer<typeof PassageRef>;

export const ContextPlanSchema = z.object({
  budgetTokens: z.number().int().nonnegative(),
  /** All passages of the chosen documents. */
  availableTokens: z.number().int().nonnegative(),
  /** Passages in the shared context. */
  selectedTokens: z.number().int().nonnegative(),
  /** Tokens held back for each analyst's own passages when the documents do not fit. */
  analystTokens: z.number().int().nonnegative().default(0),
  leftOut: z.array(PassageRef).default([]),
});
export type ContextPlan = z.infer<typeof ContextPlanSchema>;
/** Something about the outcome the person must be told (the run still went on). */
export const Notice = z.object({
  at: z.string(),
  step: StepName,
  /** `web-search-failed`: every web search of the run failed, the document has no web sources. */
  kind: z.enum(['web-search-failed']),
  /** Details in words (the last error), for the log and the panel. */
  detail: z.string().default(''),
});
export type Notice = z.infer<typeof Notice>;

export const SourceNeed = z.enum(['high', 'medium', 'low']);
export type SourceNeed = z.infer<typeof SourceNeed>;

// The proposal and its estimate are shown by the panel too: defined in src/shared (zod/mini).
export { CostEstimateSchema, ProposalSchema, type CostEstimate, type Proposal } from '../shared/proposal';

export const WorkflowStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  id: z.string().regex(/^[a-z0-9-]+$/),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: RunStatus,
  /** The next step to run (or the step waiting for the person). */
  step: StepName,
  /** Set when the run waits for the person: which gate. */
  awaiting: z.enum(['sources', 'clarify', 'proposal', 'failures', 'outline', 'budget']).nullable().default(null),
  problem: z.string().min(1),
  title: z.string().default(''),
  demo: z.boolean().default(false),
  language: z.string().default('en'),
  /** Where `language` came from; null before the parse step decided it. */
  languageSource: z.enum(LANGUAGE_SOURCES).nullable().default(null),
  /** Parse step. */
  synthesizerScores: z.array(SynthesizerScore).default([]),
  scoringMethod: z.enum(['model', 'keywords']).nullable().default(null),
  template: z.string().nullable().default(null),
  factual: z.boolean().default(true),
  /** Sources step. */
  sourceNeed: SourceNeed.nullable().default(null),
  sourceNeedRationale: z.string().default(''),
  webSearchAllowed: z.boolean().default(false),
  contextDocuments: z.array(ContextDocument).default([]),
  /** What the context budget let through (contextBudget.ts), for the gate and the run log. */
  contextPlan: ContextPlanSchema.nullable().default(null),
  /** Passages chosen for one analyst's focus on top of the shared context: analyst id -> refs. */
  analystPassages: z.record(z.string(), z.array(z.object({ sourceId: z.string(), n: z.number().int().positive() }))).default({}),
  /** Clarify step. */
  clarifications: z
    .array(z.object({ id: z.string(), question: z.string(), answer: z.string().default('') }))
    .default([]),
  /** Propose step. */
  proposal: z.nullable(ProposalSchema).default(null),
  proposalApproved: z.boolean().default(false),
  /** Analysts step. */
  analysts: z.record(z.string(), AnalystRun).default({}),
  partialResults: z.boolean().default(false),
  /** Integrate step. */
  integration: z.string().nullable().default(null),
  /** Outline step. */
  outline: z.array(OutlineRevision).default([]),
  outlineApproved: z.boolean().default(false),
  /** Citations step. */
  sources: z.array(Source).default([]),
  citationMap: z.array(CitationEntry).default([]),
  gaps: z.array(z.string()).default([]),
  searches: z.array(SearchRecord).default([]),
  /** Pages fetched by URL to verify sources named by analysts (one per URL). */
  pageLookups: z.array(PageLookup).default([]),
  /** The checked citations of the final text (offsets into the accepted text), and the dropped ones. */
  fulltextEvidence: AnswerEvidence.nullable().default(null),
  /** Fulltext step. */
  finalDocument: z
    .object({ path: z.string().optional(), markdown: z.string(), frontmatter: z.record(z.string(), z.unknown()) })
    .nullable()
    .default(null),
  /**
   * Per step, the round of attempts it is in (1 when absent). A run stopped because a step's
   * answers failed their check on every attempt starts a new round of that step on resume: its
   * calls get new keys, so the rejected answers are not reused (every other call still is).
   */
  attemptRounds: z.partialRecord(StepName, z.number().int().positive()).default({}),
  /** Accounting and audit. */
  calls: z.array(ModelCallRecord).default([]),
  history: z.array(HistoryEntry).default([]),
  errors: z.array(ErrorEntry).default([]),
  /** Overnight mode: the analysts' message batch, recorded before and after its submission. */
  overnight: z
    .object({
      /** Set (and saved) before the batch is sent: a run killed meanwhile looks the batch up. */
      submittingSince: z.string().optional(),
      batchId: z.string().optional(),
      /** custom_id of each request → the call key it stands for (`analyst:<id>:<attempt>`). */
      requests: z.record(z.string(), z.string()).default({}),
      status: z.enum(['submitting', 'submitted', 'in-progress', 'results-ready', 'done']),
      polls: z.number().int().nonnegative().default(0),
      lastPolledAt: z.string().optional(),
      /** Why the batch could not be used (the analysts then run as normal calls). */
      problem: z.string().optional(),
    })
    .optional(),
  /** The hard budget of this run in USD (from the setting, the proposal or the budget gate); none when absent. */
  budgetUsd: z.number().positive().nullable().optional(),
  notices: z.array(Notice).default([]),
  /** Where the run writes its documents, relative to the workspace (e.g. analyses/2026-11-22-entry). */
  outputFolder: z.string().default(''),
});
export type WorkflowState = z.infer<typeof WorkflowStateSchema>;

export function stepIndex(step: StepName): number {
  return STEPS.indexOf(step);
}

/** The step after `step`; `done` stays `done`. */
export function nextStep(step: StepName): StepName {
  const i = stepIndex(step);
  return STEPS[Math.min(i + 1, STEPS.length - 1)];
}

/** A lowercase slug of `text` (run ids, folder and file names); never holds a key-shaped text. */
export function slugify(text: string, max = 40): string {
  const slug = redactKeyShapedText(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return slug || 'analysis';
}

export function createState(init: {
  id: string;
  problem: string;
  now: Date;
  demo?: boolean;
  outputFolder?: string;
}): WorkflowState {
  const problem = init.problem.trim();
  if (!problem) throw new Error('The problem is empty.');
  const at = init.now.toISOString();
  return WorkflowStateSchema.parse({
    version: STATE_VERSION,
    id: init.id,
    createdAt: at,
    updatedAt: at,
    status: 'running',
    step: 'parse',
    problem,
    demo: init.demo ?? false,
    outputFolder: init.outputFolder ?? '',
  });
}

/** Parses a stored state (JSON text already decoded), upgrading older versions when needed. */
export function parseState(data: unknown): WorkflowState {
  return WorkflowStateSchema.parse(data);
}
