/**
 * Opening what a saved run wrote: its final document (from the workspace, else the text in its
 * state), its run log, and the export of its final document from the panel; whether a saved run
 * can be resumed.
 *
 * Owns: finding these files from the run's saved state and opening them, or saying why not.
 * Must not: pick the run (the controller's commands do) or export anything itself (the export
 * commands do).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { FileStateStore } from '../core/stateStore';
import { EXPORT_COMMANDS } from './export/exportCommands';
import { inert } from './inertText';
import type { ChannelLog } from './log';

/** A workspace-relative path of a saved state as a URI in the workspace folder. */
function inWorkspace(root: vscode.Uri, rel: string): vscode.Uri {
  return vscode.Uri.joinPath(root, ...rel.replace(/\\/g, '/').split('/').filter(Boolean));
}

export class RunDocuments {
  constructor(
    private readonly store: () => FileStateStore,
    private readonly root: () => vscode.Uri | undefined,
    private readonly log: ChannelLog,
  ) {}

  /** The run log of `id` as a document: the file, else the log kept in the state, else the output channel. */
  async showRunLog(id: string): Promise<void> {
    const store = this.store();
    try {
      const file = vscode.Uri.file(store.runLogPath(id));
      try {
        await vscode.workspace.fs.stat(file);
        await vscode.window.showTextDocument(file, { preview: true });
        return;
      } catch {
        const text = await store.readRunLog(id);
        if (!text) {
          // No such analysis, or nothing logged yet: no empty document, the output channel instead.
          void vscode.window.showInformationMessage(vscode.l10n.t('This analysis has no run log yet.'));
          this.log.channel.show(true);
          return;
        }
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
        await vscode.window.showTextDocument(doc, { preview: true });
      }
    } catch (err) {
      this.log.warn(`Run log of ${id} unavailable: ${errorMessage(err)}`);
      this.log.channel.show(true);
    }
  }

  /**
   * Whether `id` can be resumed: its saved state is read (from the backup when the state file is
   * damaged, which the log says). A finished run opens its document instead; a state that cannot
   * be read is said in a notification. Resolves with the run's demo flag, or undefined.
   */
  async resumable(id: string): Promise<{ demo: boolean } | undefined> {
    try {
      const loaded = await this.store().load(id);
      if (loaded.recoveredFromBackup) this.log.warn(`Run ${id}: ${loaded.recoveredFromBackup}`);
      if (loaded.state.status !== 'done') return { demo: loaded.state.demo };
      await this.openFinalDocument(id);
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('This analysis cannot be resumed: {0}', inert(errorMessage(err))));
    }
    return undefined;
  }

  /** The final document of `id`: the workspace file, else its saved text, else the run log. */
  async openFinalDocument(id: string): Promise<void> {
    const root = this.root();
    try {
      const { state } = await this.store().load(id);
      const rel = state.finalDocument?.path;
      if (root && rel) {
        await vscode.window.showTextDocument(inWorkspace(root, rel), { preview: false });
        return;
      }
      if (state.finalDocument) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: state.finalDocument.markdown });
        await vscode.window.showTextDocument(doc, { preview: false });
        return;
      }
      await this.showRunLog(id);
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The document of this analysis cannot be opened: {0}', inert(errorMessage(err))));
    }
  }

  /** An export button of a finished analysis in the panel: the export commands do the work. */
  async exportFinalDocument(id: string, format: 'docx' | 'pptx'): Promise<void> {
    const root = this.root();
    let rel: string | undefined;
    try {
      rel = (await this.store().load(id)).state.finalDocument?.path;
    } catch (err) {
      this.log.error(`Export of ${id}: its state could not be read: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('This analysis could not be exported: {0}', inert(errorMessage(err))));
      return;
    }
    if (!root || !rel) {
      void vscode.window.showErrorMessage(vscode.l10n.t('This analysis has no saved document to export.'));
      return;
    }
    await vscode.commands.executeCommand(format === 'docx' ? EXPORT_COMMANDS.word : EXPORT_COMMANDS.slides, inWorkspace(root, rel));
  }
}
