/**
 * Errors the workflow raises. Each carries a message meant for the person, in plain words,
 * and the step it happened in; none of them ever carries a secret.
 */
import type { DocumentProblem } from './ports';
import type { StepName } from './state';

/** A checkpoint refused to let the run go on (invalid output, empty citation map, ...). */
export class GateError extends Error {
  constructor(
    readonly step: StepName,
    readonly gate: string,
    message: string,
  ) {
    super(message);
    this.name = 'GateError';
  }
}

/** The run was cancelled (by the person or through the AbortSignal). */
export class CancelledError extends Error {
  constructor(message = 'The analysis was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A model or search call failed in a way the step cannot recover from. */
export class StepError extends Error {
  constructor(
    readonly step: StepName,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/**
 * A provider could not be used because of its configuration (missing key, bad base URL, unknown
 * model). `setting` says what to fix; `service` which provider's setting it is, when it matters.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly setting: 'anthropicKey' | 'exaKey' | 'baseUrl' | 'model' | 'other',
    message: string,
    readonly service?: 'anthropic' | 'exa',
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'APIUserAbortError' || /aborted/i.test(err.message);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A document of the person's could not be read; the problem names the file and what to do. */
export class DocumentError extends Error {
  constructor(readonly problem: DocumentProblem) {
    super(problem.message);
    this.name = 'DocumentError';
  }
}

/**
 * Whether `err` is a DocumentError — recognized by its name and problem, since the documents
 * reader is a bundle of its own (dist/lazy) with its own copy of the class.
 */
export function isDocumentError(err: unknown): err is DocumentError {
  return err instanceof Error && err.name === 'DocumentError' && typeof (err as Partial<DocumentError>).problem?.code === 'string';
}
