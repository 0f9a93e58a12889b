/**
 * Ports: the only ways the workflow core talks to the outside world.
 *
 * Tests plug scripted implementations in; the VS Code layer plugs real ones (Anthropic, Exa,
 * the side panel, workspace storage). Nothing here may import `vscode` or an SDK.
 */
import type { StepName, TokenUsage, WorkflowState } from './state';
import type { DocumentType } from '../shared/workflowNames';
import type * as gates from '../shared/gates';

// ---------------------------------------------------------------------------------------------
// Language model

/** A block of the system prompt. `cache: true` puts a cache breakpoint after this block. */
export interface SystemBlock {
  text: string;
  cache?: boolean;
  /** Cache lifetime of this breakpoint: `5m` (default) or `1h` (for batches, read much later). */
  ttl?: '5m' | '1h';
}

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ModelRequest {
  model: string;
  system: SystemBlock[];
  messages: ModelMessage[];
  /**
   * Sources the model may cite (Anthropic Citations). They are sent at the start of the first
   * user message, before its text, in this order; the answer's citations point back into them.
   */
  documents?: CitableDocument[];
  /** Put a cache breakpoint after the documents (they join the cached prefix). */
  cacheDocuments?: boolean;
  /** How many of the first documents the breakpoint covers (default: all); the rest follow it. */
  cachedDocuments?: number;
  maxTokens: number;
  temperature?: number;
  /** For logs and fakes: which step and which call of it this is. */
  step: StepName;
  label: string;
}

export interface ModelResponse {
  text: string;
  /** `end_turn`, `max_tokens`, `stop_sequence`, `refusal`, ... as the API reports it. */
  stopReason: string | null;
  usage: TokenUsage;
  /** The model id the API answered with. */
  model: string;
  durationMs: number;
  /**
   * The answer's text blocks with the citations the provider received, unchecked. Their texts
   * joined are `text`. Absent when the provider does not support citations.
   */
  blocks?: AnswerBlock[];
}

// ---------------------------------------------------------------------------------------------
// Citations: what the model may cite, and what it says it cited

/**
 * A source the model may cite, cut into passages: a context document is sent as a
 * custom-content document (one text block per passage, so that a citation names the passage),
 * a web result as a search result (one text block per passage).
 */
export interface CitableDocument {
  kind: 'document' | 'search_result';
  /** The registry id (`S3`) this stands for; never sent, used to resolve citations. */
  sourceId: string;
  title: string;
  /** For search results: the URL, sent as the result's `source`. */
  url?: string;
  /** Text about the document the model reads but cannot cite (path, date). */
  context?: string;
  /** One content block each, in order (a citation's block index is a passage index); none empty. */
  passages: string[];
}

/**
 * One citation as the API returned it, in a wire-neutral shape. Nothing here is trusted: the
 * core checks the index, the range and the quoted text against what was sent.
 */
export interface ModelCitation {
  type: string;
  citedText: string;
  /** `document_index` for documents, `search_result_index` for search results; null if missing. */
  index: number | null;
  /** Start/end as the type defines them (block indexes, end exclusive; characters; pages). */
  start: number | null;
  end: number | null;
  /** Search results: the `source` the API echoes. */
  source?: string;
  title?: string;
}

export interface AnswerBlock {
  text: string;
  citations: ModelCitation[];
}

export interface ModelCallOptions {
  signal?: AbortSignal;
  /** Streamed text as it arrives (for editor tabs that fill in while generated). */
  onText?: (delta: string) => void;
  /** The provider has begun its response (for Anthropic: `message_start`), before any text. */
  onStart?: () => void;
}

/** One request of a message batch; `customId` matches its result (results come in any order). */
export interface BatchRequest {
  customId: string;
  request: ModelRequest;
}

export interface BatchStatus {
  id: string;
  /** `in_progress`, `canceling` or `ended`, as the API reports it. */
  processing: 'in_progress' | 'canceling' | 'ended';
  createdAt: string;
  requests: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
}

export type BatchResult =
  | { customId: string; kind: 'succeeded'; response: ModelResponse }
  | { customId: string; kind: 'errored'; error: string }
  | { customId: string; kind: 'expired' | 'canceled' };

/** The Message Batches API: many requests answered later (within 24 hours) at a lower price. */
export interface MessageBatches {
  create(requests: BatchRequest[], options?: { signal?: AbortSignal }): Promise<BatchStatus>;
  retrieve(id: string, options?: { signal?: AbortSignal }): Promise<BatchStatus>;
  /** Every result of an ended batch. */
  results(id: string, options?: { signal?: AbortSignal }): Promise<BatchResult[]>;
  cancel(id: string, options?: { signal?: AbortSignal }): Promise<BatchStatus>;
  /** Batches created at or after `since` (ISO time), to find one whose submission was interrupted. */
  listSince(since: string, options?: { signal?: AbortSignal }): Promise<BatchStatus[]>;
}

export interface LanguageModel {
  /** Whether this is the offline demo model (labelled as such in the UI and the document). */
  readonly demo?: boolean;
  /** The Message Batches API, when the provider offers it. */
  readonly batches?: MessageBatches;
  complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
  /**
   * Input tokens of a request as the provider counts them (free, no answer generated). Absent
   * when the provider cannot count; throws when counting failed (the caller falls back).
   */
  countTokens?(request: Pick<ModelRequest, 'model' | 'system' | 'messages' | 'documents'>, options?: { signal?: AbortSignal }): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Web search

export interface SearchResult {
  url: string;
  title: string;
  publishedDate?: string;
  author?: string;
  highlights: string[];
  text?: string;
}

export interface SearchOptions {
  numResults?: number;
  signal?: AbortSignal;
}

/** A page whose text was fetched by URL. */
export interface PageContent {
  url: string;
  title: string;
  publishedDate?: string;
  text: string;
}

/** A URL whose text could not be fetched (reported per URL, not as an error of the call). */
export interface PageFailure {
  url: string;
  /** The provider's reason, e.g. `CRAWL_NOT_FOUND`. */
  reason: string;
  /** The HTTP status of the page itself, when known (404 for a page that does not exist). */
  httpStatus?: number;
}

export interface WebSearch {
  readonly demo?: boolean;
  search(query: string, options?: SearchOptions): Promise<{ results: SearchResult[]; costUsd?: number }>;
  /**
   * Fetches the text of pages by URL (to verify what a source named from memory says). A page
   * that cannot be fetched is in `failures`; the call throws only when the service fails.
   */
  contents?(urls: string[], options?: { signal?: AbortSignal }): Promise<{ pages: PageContent[]; failures: PageFailure[]; costUsd?: number }>;
}

// ---------------------------------------------------------------------------------------------
// The person at each gate: requests and decisions are defined once in src/shared/gates (the
// panel's protocol is derived from the same schemas)

export type {
  BudgetDecision,
  BudgetView,
  ClarificationAnswer,
  ClarificationQuestion,
  DocumentPreview,
  FailureDecision,
  FailureView,
  OutlineDecision,
  OutlineView,
  ProposalDecision,
  ProposalView,
  SourceChoice,
  SourcesPreview,
} from '../shared/gates';

/** The sources gate's request, with the preview the gate calls as documents are added. */
export interface SourceChoiceRequest extends gates.SourceChoiceRequest {
  /**
   * What a choice would give, before it is made: each document's passages and tokens, whether
   * it fits the budget, and what would be left out. The gate calls it as documents are added.
   */
  preview(choice: { contextFiles: string[]; briefingFile?: string; types?: readonly DocumentType[] }): Promise<gates.SourcesPreview>;
}

export interface Reviewer {
  chooseSources(request: SourceChoiceRequest, state: Readonly<WorkflowState>): Promise<gates.SourceChoice>;
  answerClarifications(
    questions: gates.ClarificationQuestion[],
    state: Readonly<WorkflowState>,
  ): Promise<gates.ClarificationAnswer>;
  reviewProposal(view: gates.ProposalView, state: Readonly<WorkflowState>): Promise<gates.ProposalDecision>;
  reviewOutline(view: gates.OutlineView, state: Readonly<WorkflowState>): Promise<gates.OutlineDecision>;
  decideOnFailures(view: gates.FailureView, state: Readonly<WorkflowState>): Promise<gates.FailureDecision>;
  /** Absent: the run stops at the budget (resumable), as if the person chose to cancel. */
  decideOnBudget?(view: gates.BudgetView, state: Readonly<WorkflowState>): Promise<gates.BudgetDecision>;
}

// ---------------------------------------------------------------------------------------------
// Storage, documents, clock and log: in storagePorts.ts

export * from './storagePorts';

// ---------------------------------------------------------------------------------------------
// Progress events, for the status bar, the panel and editor tabs

export type WorkflowEvent =
  | { type: 'step-start'; step: StepName }
  | { type: 'step-end'; step: StepName }
  | { type: 'awaiting'; gate: NonNullable<WorkflowState['awaiting']> }
  | { type: 'cost'; totalUsd: number; budgetUsd?: number | null }
  | { type: 'overnight'; status: 'submitted' | 'in-progress' | 'results-ready'; batchId: string }
  | { type: 'analyst-start'; analyst: string }
  | { type: 'analyst-done'; analyst: string; path?: string }
  | { type: 'analyst-failed'; analyst: string; error: string }
  | { type: 'text'; step: StepName; label: string; delta: string }
  /**
   * The final document as written so far, when its sections are written in parallel: its parts
   * in document order (the title, then each section with what has arrived of it). Each event
   * replaces the previous one.
   */
  | { type: 'draft'; parts: readonly string[] }
  | { type: 'document'; kind: 'analyst' | 'final'; path: string }
  /** On resume: context documents changed on disk since the run read them (it keeps what it read). */
  | { type: 'documents-changed'; paths: string[] }
  | { type: 'state'; state: Readonly<WorkflowState> };
