/**
 * What a save writes, from the state's JSON snapshot: the state validated, refused when it
 * holds one of the person's keys, text shaped like an API key redacted, and its run-list entry.
 *
 * Owns: that preparation, as a pure function of the snapshot and the keys, so that it can run
 * on the store's worker thread (stateWorker.ts) or, when no worker is at hand, in the caller's.
 * Must not: touch the disk or log (the store reports a redaction), or return a key.
 */
import type { RunSummary } from './ports';
import { summarizeRun } from './runSummary';
import { findSecret, jsonMayHoldSecret, redactKeyShaped } from './secrets';
import { WorkflowStateSchema, type WorkflowState } from './state';
import { describeZodIssues, StateStoreError } from './storeErrors';

export const RUN_ID_PATTERN = /^[a-z0-9-]+$/;

export interface PreparedState {
  /** The state file's text. */
  text: string;
  summary: RunSummary;
  /** How many texts shaped like an API key were redacted. */
  redacted: number;
}

export function checkRunId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !RUN_ID_PATTERN.test(id)) {
    throw new StateStoreError('bad-id', `"${String(id).slice(0, 80)}" is not a valid analysis id (only lowercase letters, digits and dashes).`);
  }
}

/** Prepares the state `raw` (its JSON) for writing; throws a StateStoreError when it must not be written. */
export function prepareState(raw: string, secrets: readonly string[]): PreparedState {
  return prepareParsed(JSON.parse(raw) as WorkflowState, secrets);
}

/**
 * The same for a copy of the state that is plain data already (the worker's structured clone):
 * validated as it is, and through its JSON only if that fails (JSON turns a date into text, say).
 */
export function prepareCopy(copy: unknown, secrets: readonly string[]): PreparedState {
  const parsed = WorkflowStateSchema.safeParse(copy);
  return parsed.success ? prepareValid(parsed.data, secrets) : prepareState(JSON.stringify(copy) ?? 'null', secrets);
}

function prepareParsed(state: WorkflowState, secrets: readonly string[]): PreparedState {
  const parsed = WorkflowStateSchema.safeParse(state);
  if (!parsed.success) {
    throw new StateStoreError(
      'invalid-state',
      `Refusing to save an invalid analysis state${typeof state?.id === 'string' ? ` for run "${state.id}"` : ''}: ${describeZodIssues(parsed.error)}.`,
    );
  }
  return prepareValid(parsed.data, secrets);
}

function prepareValid(data: WorkflowState, secrets: readonly string[]): PreparedState {
  const id = data.id;
  checkRunId(id);
  // The JSON text shows whether any string may hold a key: almost always not, and then
  // neither walk below is needed.
  let text = `${JSON.stringify(data)}\n`;
  let clean: WorkflowState = data;
  let redacted = 0;
  if (jsonMayHoldSecret(text, secrets)) {
    const secret = findSecret(data, secrets, { keyShaped: false });
    if (secret) {
      throw new StateStoreError(
        'secret',
        `Refusing to save the state of analysis "${id}": the field ${secret.path} contains one of the configured API keys. ` +
          'API keys are never written to disk. Remove the key from the problem, the answers or the context documents and start again.',
      );
    }
    // Text that only looks like a key (quoted by a web page, a document, an answer) is redacted.
    const result = redactKeyShaped(data);
    if (result.redacted > 0) {
      redacted = result.redacted;
      clean = result.value;
      text = `${JSON.stringify(clean)}\n`;
    }
  }
  // The summary is written next to the state: from the redacted state too.
  return { text, summary: summarizeRun(clean), redacted };
}
