/**
 * The prompt library in the Problems panel: each definition file that cannot be used (a warning
 * saying where and what to do), each file not offered and each replaced bundled definition (as
 * information), checked again when a definition file is saved or the prompt folders change.
 *
 * Owns: the diagnostic collection, when the library is checked, and which folders the library
 * reads (none of the workspace's own in Restricted Mode). Must not: parse definitions (the
 * prompt loader does) or run anything.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { PromptLibrary } from '../core/library';
import { readSettings } from './config';
import type { ChannelLog } from './log';
import { loadLibrary } from './runFactories';

/**
 * Workspace folders whose own definitions (`.claude/` agents and skills) are loaded: none in
 * Restricted Mode, where only the bundled library and the person's prompt folders are used.
 */
function libraryFolders(): string[] {
  if (!vscode.workspace.isTrusted) return [];
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** The prompt library a run uses: the bundled one, the workspace's (when trusted), the settings' folders. */
export function loadRunLibrary(extensionUri: vscode.Uri, promptFolders: string[]): Promise<PromptLibrary> {
  return loadLibrary({
    bundledDir: vscode.Uri.joinPath(extensionUri, 'prompts').fsPath,
    workspaceFolders: libraryFolders(),
    extraFolders: promptFolders,
  });
}

export class LibraryDiagnostics implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('strategicAnalysis');
  private readonly disposables: vscode.Disposable[];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: ChannelLog,
  ) {
    this.disposables = [
      this.diagnostics,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('strategicAnalysis.prompts.folders')) this.schedule();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.languageId === 'markdown' && isPromptFile(doc.uri)) this.schedule();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
      { dispose: () => clearTimeout(this.timer) },
    ];
    void this.check();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), 300);
  }

  /** Loads the prompt library once to list unusable definition files in the Problems panel. */
  private async check(): Promise<void> {
    try {
      this.show(await loadRunLibrary(this.extensionUri, readSettings().promptFolders));
    } catch (err) {
      this.log.warn(`Prompt library check failed: ${errorMessage(err)}`);
    }
  }

  /** Skipped files as warnings; notes (replaced definitions, files not offered) as information. */
  show(library: Pick<PromptLibrary, 'problems' | 'notes'>): void {
    const problems = library.problems;
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const entries = [
      ...problems.map((p) => ({ ...p, severity: vscode.DiagnosticSeverity.Warning })),
      ...(library.notes ?? []).map((p) => ({ ...p, severity: vscode.DiagnosticSeverity.Information })),
    ];
    for (const p of entries) {
      const line = Math.max(0, (p.line ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, p.severity);
      d.source = vscode.l10n.t('Strategic Analysis prompt library');
      const list = byFile.get(p.path) ?? [];
      list.push(d);
      byFile.set(p.path, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    if (problems.length) this.log.warn(`Prompt library: ${problems.length} file(s) skipped, see the Problems panel.`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A definition file the library reads: under `.claude/`, or in a folder named in the settings. */
function isPromptFile(uri: vscode.Uri): boolean {
  const file = uri.fsPath;
  if (/[\\/]\.claude[\\/]/.test(file)) return true;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return readSettings().promptFolders.some((folder) => {
    const abs = path.isAbsolute(folder) || !root ? path.resolve(folder) : path.resolve(root, folder);
    return file.startsWith(abs + path.sep);
  });
}
