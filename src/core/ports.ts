/**
 * Ports: the only ways the workflow core talks to the outside world.
 *
 * Tests plug scripted implementations in; the VS Code layer plugs real ones (Anthropic, Exa,
 * the side panel, workspace storage). Nothing here may import `vscode` or an SDK.
 */
import type { Proposal, SourceNeed, StepName, TokenUsage, WorkflowState } from './state';

// ---------------------------------------------------------------------------------------------
// Language model

/** A block of the system prompt. `cache: true` puts a cache breakpoint after this block. */
export interface SystemBlock {
  text: string;
  cache?: boolean;
}

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ModelRequest {
  model: string;
  system: SystemBlock[];
  messages: ModelMessage[];
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
}

export interface ModelCallOptions {
  signal?: AbortSignal;
  /** Streamed text as it arrives (for editor tabs that fill in while generated). */
  onText?: (delta: string) => void;
  /** The provider has begun its response (for Anthropic: `message_start`), before any text. */
  onStart?: () => void;
}

export interface LanguageModel {
  /** Whether this is the offline demo model (labelled as such in the UI and the document). */
  readonly demo?: boolean;
  complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
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

export interface WebSearch {
  readonly demo?: boolean;
  search(query: string, options?: SearchOptions): Promise<{ results: SearchResult[]; costUsd?: number }>;
}

// ---------------------------------------------------------------------------------------------
// The person at each gate

export interface SourceChoiceRequest {
  need: SourceNeed;
  rationale: string;
  webSearchAvailable: boolean;
  language: string;
  /** Why the previous choice could not be used (unreadable file, malformed briefing), if any. */
  problem?: string;
}

export type SourceChoice =
  | {
      kind: 'choose';
      /** Paths of context documents (absolute, or relative to the workspace). */
      contextFiles: string[];
      /** Path of a research_briefing.yaml, if any. */
      briefingFile?: string;
      webSearch: boolean;
    }
  | { kind: 'cancel' };

export interface ClarificationQuestion {
  id: string;
  question: string;
}

export type ClarificationAnswer =
  | { kind: 'answer'; answers: Record<string, string> }
  | { kind: 'skip' }
  | { kind: 'cancel' };

export interface ProposalView {
  proposal: Proposal;
  availableSynthesizers: Array<{ id: string; name: string; score?: number }>;
  availableTemplates: Array<{ id: string; name: string }>;
  availableAnalysts: Array<{ id: string; name: string }>;
  webSearchAvailable: boolean;
}

export type ProposalDecision =
  | { kind: 'approve' }
  | {
      kind: 'modify';
      changes: Partial<Pick<Proposal, 'synthesizer' | 'template' | 'analysts' | 'webSearch' | 'model'>>;
    }
  | { kind: 'cancel' };

export interface OutlineView {
  current: string;
  revisions: Array<{ n: number; text: string; author: 'model' | 'person'; feedback?: string }>;
}

export type OutlineDecision =
  /** `editedText`: the person edited the outline in the panel before approving. */
  | { kind: 'approve'; editedText?: string }
  | { kind: 'request-changes'; feedback: string }
  | { kind: 'cancel' };

export interface FailureView {
  failed: Array<{ id: string; errors: string[] }>;
  succeeded: string[];
  threshold: number;
}

export type FailureDecision = { kind: 'retry-failed' } | { kind: 'continue-partial' } | { kind: 'abort' };

export interface Reviewer {
  chooseSources(request: SourceChoiceRequest, state: Readonly<WorkflowState>): Promise<SourceChoice>;
  answerClarifications(
    questions: ClarificationQuestion[],
    state: Readonly<WorkflowState>,
  ): Promise<ClarificationAnswer>;
  reviewProposal(view: ProposalView, state: Readonly<WorkflowState>): Promise<ProposalDecision>;
  reviewOutline(view: OutlineView, state: Readonly<WorkflowState>): Promise<OutlineDecision>;
  decideOnFailures(view: FailureView, state: Readonly<WorkflowState>): Promise<FailureDecision>;
}

// ---------------------------------------------------------------------------------------------
// Storage, documents, clock and log

export interface RunSummary {
  id: string;
  title: string;
  problem: string;
  status: WorkflowState['status'];
  step: WorkflowState['step'];
  awaiting: WorkflowState['awaiting'];
  updatedAt: string;
  costUsd: number;
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

export interface Clock {
  now(): Date;
}

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

// ---------------------------------------------------------------------------------------------
// Progress events, for the status bar, the panel and editor tabs

export type WorkflowEvent =
  | { type: 'step-start'; step: StepName }
  | { type: 'step-end'; step: StepName }
  | { type: 'awaiting'; gate: NonNullable<WorkflowState['awaiting']> }
  | { type: 'cost'; totalUsd: number }
  | { type: 'analyst-start'; analyst: string }
  | { type: 'analyst-done'; analyst: string; path?: string }
  | { type: 'analyst-failed'; analyst: string; error: string }
  | { type: 'text'; step: StepName; label: string; delta: string }
  | { type: 'document'; kind: 'analyst' | 'final'; path: string }
  | { type: 'state'; state: Readonly<WorkflowState> };
