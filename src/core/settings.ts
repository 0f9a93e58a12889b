/**
 * Run settings the core needs, with their defaults. The VS Code layer fills them from
 * `contributes.configuration`; tests and the benchmark set them directly.
 */
import type { StepName } from './state';

export const DEFAULT_MODEL = 'claude-sonnet-5-5';

export interface OrchestratorSettings {
  /** Model id per step; steps not listed use `defaultModel`. */
  models: Partial<Record<StepName, string>>;
  defaultModel: string;
  maxParallelAnalysts: number;
  maxSearchesPerAnalysis: number;
  /** At this many failed analysts the person decides (retry, continue partial, abort). */
  analystFailureThreshold: number;
  /** Attempts per analyst (the first one included) before it counts as failed. */
  analystAttempts: number;
  /** Attempts for steps whose answer is validated (parse JSON, full text gates). */
  validationAttempts: number;
  /** `auto` follows the problem's language; otherwise a language code such as `en` or `it`. */
  outputLanguage: string;
  /**
   * The language of the person's interface (a code such as `it` or `en-us`): the run's language
   * when neither the model nor the detector can tell the problem's language.
   */
  interfaceLanguage: string;
  /** Folder, relative to the workspace, under which each analysis gets its own folder. */
  outputRoot: string;
  /** Scores of the top two synthesizers closer than this trigger clarification. */
  clarifyMargin: number;
  /**
   * Tokens of the person's documents sent to the model (the context budget); 0 = automatic,
   * a share of the model's context window (contextBudget.ts).
   */
  contextMaxTokens: number;
  /** Mark the shared prefix for prompt caching (cache_control). Off only to measure its effect. */
  promptCaching: boolean;
  /** Hard budget per run in USD; `null`: none. */
  maxUsdPerRun: number | null;
  /** Overnight batches: first wait between polls, and the longest (the wait grows 1.5x a poll). */
  batchPollMs: number;
  batchMaxPollMs: number;
  /** Write the final document's sections in parallel, each by its own call. Off only to measure its effect. */
  sectionWriting: boolean;
  /**
   * Sources named by analysts that could not be verified: `mark` keeps them in the final
   * document with a visible "unverified" mark; `omit` leaves them out of it (they stay in the
   * analyst's own tab, marked).
   */
  unverifiedSources: 'mark' | 'omit';
  /** Pages fetched per analysis to verify sources named by analysts. */
  maxSourceLookups: number;
}

export const DEFAULT_SETTINGS: OrchestratorSettings = {
  models: {},
  defaultModel: DEFAULT_MODEL,
  maxParallelAnalysts: 6,
  maxSearchesPerAnalysis: 3,
  analystFailureThreshold: 2,
  analystAttempts: 2,
  validationAttempts: 2,
  outputLanguage: 'auto',
  interfaceLanguage: 'en',
  outputRoot: 'analyses',
  clarifyMargin: 0.2,
  contextMaxTokens: 0,
  promptCaching: true,
  maxUsdPerRun: null,
  batchPollMs: 30_000,
  batchMaxPollMs: 10 * 60_000,
  sectionWriting: true,
  unverifiedSources: 'mark',
  maxSourceLookups: 5,
};

export function modelFor(settings: OrchestratorSettings, step: StepName): string {
  return settings.models[step] ?? settings.defaultModel;
}
