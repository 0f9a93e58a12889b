/**
 * Progress notifications that exist only while work runs: a run waiting at a gate ends its
 * notification, and the next step starts a new one. Cancelling any of them aborts the run.
 *
 * Owns: the notification lifecycle and mapping its CancellationToken to the run's AbortController.
 * Must not: know about workflow steps beyond the message it is given.
 */
import * as vscode from 'vscode';

export class WorkProgress implements vscode.Disposable {
  private finish: (() => void) | undefined;
  private report: ((message: string) => void) | undefined;
  private lastMessage = '';

  constructor(
    private readonly title: string,
    private readonly abort: AbortController,
  ) {}

  /** Shows the notification (if not shown) with `message`. */
  working(message: string): void {
    this.lastMessage = message;
    if (this.report) {
      this.report(message);
      return;
    }
    if (this.abort.signal.aborted) return;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    this.finish = done;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: this.title, cancellable: true },
      (progress, token) => {
        const sub = token.onCancellationRequested(() => this.abort.abort());
        this.report = (m) => progress.report({ message: m });
        this.report(this.lastMessage);
        return finished.finally(() => sub.dispose());
      },
    );
  }

  /** Removes the notification (the run waits for the person, or ended). */
  idle(): void {
    const finish = this.finish;
    this.finish = undefined;
    this.report = undefined;
    finish?.();
  }

  dispose(): void {
    this.idle();
  }
}
