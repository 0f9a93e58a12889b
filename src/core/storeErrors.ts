/**
 * The state store's errors, worded for the person: what failed, in plain words for the
 * file-system error, and what was (not) lost.
 *
 * Owns: the error class and its codes, the wording of file-system errors and of schema issues.
 * Must not: carry a secret or a state's content in a message.
 */

export type StateStoreErrorCode = 'write-failed' | 'read-failed' | 'not-found' | 'unreadable' | 'invalid-state' | 'secret' | 'bad-id';

/** An error of the state store, with a message meant for the person. Never carries a secret. */
export class StateStoreError extends Error {
  constructor(
    readonly code: StateStoreErrorCode,
    message: string,
    /** The file-system error code (`ENOSPC`, `EACCES`, ...) when there was one. */
    readonly fsCode?: string,
  ) {
    super(message);
    this.name = 'StateStoreError';
  }
}

export function fsCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Plain words for a file-system error code. */
export function describeFsError(err: unknown): string {
  const code = fsCodeOf(err);
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission was denied (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many files are open (${code})`;
    case 'EIO':
      return 'the disk reported an input/output error (EIO)';
    case 'ENOENT':
      return 'the file or folder does not exist (ENOENT)';
    default:
      return code ? `${messageOf(err)} (${code})` : messageOf(err);
  }
}

/** The first issues of a schema error, each with the path of its field. */
export function describeZodIssues(err: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return err.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(p: PropertyKey[]): string {
  return p
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** A file-system failure of the store: `what` failed (`Could not write the run log x`). */
export function fsFailure(code: 'write-failed' | 'read-failed', what: string, err: unknown): StateStoreError {
  return new StateStoreError(code, `${what}: ${describeFsError(err)}.`, fsCodeOf(err));
}
