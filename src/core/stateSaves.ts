/**
 * The saves of one run: snapshots of its state handed to the store, at most one per burst of
 * checkpoints, and the first write that failed.
 *
 * Owns: when a snapshot is handed over and remembering a failed write until someone asks.
 * Must not: decide when the run needs a save (the run context does, context.ts) or write
 * anything itself (the store does).
 */
import type { StateStore } from './ports';
import type { WorkflowState } from './state';

export class StateSaves {
  private due = false;
  private failure: Error | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: StateStore,
    private readonly state: () => WorkflowState,
  ) {}

  /** A snapshot is wanted: it is handed over at the next turn of the event loop, or sooner. */
  want(): void {
    if (this.due) return;
    this.due = true;
    setImmediate(() => this.handOver());
  }

  /** Hands the state to the store now if a snapshot is wanted. */
  handOver(): void {
    if (!this.due) return;
    this.due = false;
    const saving = this.store.save(this.state()).catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
    this.pending.add(saving);
    void saving.finally(() => this.pending.delete(saving));
  }

  /** Throws the error of the first write that failed, if any. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Hands over what is wanted and waits for every write under way (failed or not). */
  async settled(): Promise<void> {
    this.handOver();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Forgets a failed write: the next one supersedes it (to record how the run stopped). */
  forgetFailure(): void {
    this.failure = null;
  }
}
