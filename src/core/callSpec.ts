/**
 * What a step asks of a model call: its key (a finished call is never made again), its prompt,
 * and how its answer is followed (streamed text, the start of the answer, the budget gate).
 *
 * Owns: the shape of a call request between the steps and the run context (context.ts). Must
 * not: make calls or know what any step does.
 */
import type { ModelMessage, ModelRequest } from './ports';
import type { StepName } from './state';

export interface CallSpec {
  /** Unique within the run; a call whose key is already recorded is not made again. */
  key: string;
  step: StepName;
  label: string;
  system: ModelRequest['system'];
  messages: ModelMessage[];
  maxTokens: number;
  /** Stream text deltas as `text` events (the final document fills in while generated). */
  stream?: boolean;
  /** Overrides the model configured for the step (the proposal's model for analysts). */
  model?: string;
  /** Called once, when the answer starts arriving (the provider has begun its response). */
  onBegin?: () => void;
  /** At the budget gate the person may skip this call and go on with what is done. */
  partialOnBudget?: boolean;
  /** Streamed text of this call, as it arrives (a reused answer streams nothing). */
  onText?: (delta: string) => void;
  /**
   * The key numbers its attempts across rounds and resumes itself (a section of the final
   * document): a new round of the step does not rename it, so accepted answers stay reused.
   */
  ownAttempts?: boolean;
  /** Sources the model may cite (Citations); cached with the prefix when caching is on. */
  documents?: ModelRequest['documents'];
  /** How many of the first documents belong to the cached prefix (default: all). */
  cachedDocuments?: number;
}
