/**
 * The public face of the workflow core for its callers (the VS Code layer, the benchmark, tests).
 * The implementation is in orchestrator.ts; this file only names what callers may rely on.
 */
import type { PromptLibrary } from './library';
import type { Clock, Documents, LanguageModel, Log, Reviewer, StateStore, WebSearch, Workspace, WorkflowEvent } from './ports';
import type { OrchestratorSettings } from './settings';
import type { PriceTable } from './cost';
import type { WorkflowState } from './state';

export interface OrchestratorDeps {
  model: LanguageModel;
  /** `null` when no web search is configured (no Exa key): the proposal cannot turn it on. */
  search: WebSearch | null;
  reviewer: Reviewer;
  store: StateStore;
  workspace: Workspace;
  /** Reads the person's documents (all formats); without it, text documents through `workspace`. */
  documents?: Documents;
  library: PromptLibrary;
  clock?: Clock;
  log?: Log;
  settings?: Partial<OrchestratorSettings>;
  prices?: PriceTable;
  onEvent?: (event: WorkflowEvent) => void;
}

export interface RunOptions {
  /** Cancels every model and search call in flight; the state is saved and can be resumed. */
  signal?: AbortSignal;
}

/**
 * How a run ended. `state.status` is `done`, `cancelled` (by the person at a gate or through the
 * signal) or `failed` (then `error` says why, in words meant for the person). The state has been
 * saved in every case.
 */
export interface RunOutcome {
  state: WorkflowState;
  error?: Error;
}
