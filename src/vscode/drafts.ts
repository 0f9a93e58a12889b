/**
 * Live drafts: the final document, shown in a read-only editor tab while the model writes it.
 *
 * Owns: a virtual document per run (scheme `strategic-analysis-draft`) that grows with the
 * streamed text (or shows the parts of a document written by sections, in document order),
 * refreshed at most every 250 ms, and closed when the real document is written.
 * Must not: write files (the Workspace port does), so nothing the person edits is touched.
 */
import * as vscode from 'vscode';
import { neutralizeMarkdown } from '../core/safeText';

export const DRAFT_SCHEME = 'strategic-analysis-draft';
const REFRESH_MS = 250;

export class DraftDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  /** The draft of each open tab: streamed text, or the parts of a document written by sections. */
  private readonly texts = new Map<string, string | readonly string[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DRAFT_SCHEME, this);
  }

  uriFor(runId: string, title: string): vscode.Uri {
    const name = (title || runId).replace(/[\\/:*?"<>|#%]+/g, ' ').trim().slice(0, 80) || runId;
    return vscode.Uri.from({ scheme: DRAFT_SCHEME, path: `/${runId}/${name}.md` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    // A preview of the draft must not load what the final document would not.
    const draft = this.texts.get(uri.toString()) ?? '';
    return neutralizeMarkdown(typeof draft === 'string' ? draft : draft.join('\n\n'));
  }

  /** Appends streamed text; opens the tab on the first delta. */
  async append(runId: string, title: string, delta: string): Promise<void> {
    const key = this.uriFor(runId, title).toString();
    const draft = this.texts.get(key);
    await this.update(runId, title, (typeof draft === 'string' ? draft : (draft ?? []).join('\n\n')) + delta);
  }

  /**
   * Shows the document as written so far when its sections are written in parallel: its parts
   * in document order (joined only when the tab is refreshed).
   */
  async replace(runId: string, title: string, parts: readonly string[]): Promise<void> {
    await this.update(runId, title, parts);
  }

  private async update(runId: string, title: string, draft: string | readonly string[]): Promise<void> {
    const uri = this.uriFor(runId, title);
    const key = uri.toString();
    const first = !this.texts.has(key);
    this.texts.set(key, draft);
    if (first) {
      await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: true });
      return;
    }
    if (!this.pending.has(key)) {
      this.pending.set(
        key,
        setTimeout(() => {
          this.pending.delete(key);
          this.changed.fire(uri);
        }, REFRESH_MS),
      );
    }
  }

  /** Starts the draft over (the step is retried). */
  reset(runId: string): void {
    for (const key of [...this.texts.keys()]) {
      if (vscode.Uri.parse(key).path.startsWith(`/${runId}/`)) {
        this.texts.set(key, '');
        this.changed.fire(vscode.Uri.parse(key));
      }
    }
  }

  /** Closes the draft tabs of a run (the real document replaces them). */
  async close(runId: string): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter(
        (t) =>
          t.input instanceof vscode.TabInputText &&
          t.input.uri.scheme === DRAFT_SCHEME &&
          t.input.uri.path.startsWith(`/${runId}/`),
      );
    for (const key of [...this.texts.keys()]) {
      if (vscode.Uri.parse(key).path.startsWith(`/${runId}/`)) {
        this.texts.delete(key);
        const timer = this.pending.get(key);
        if (timer) clearTimeout(timer);
        this.pending.delete(key);
      }
    }
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.registration.dispose();
    this.changed.dispose();
  }
}
