/**
 * The export commands: "Export Analysis to Word" and "Export Key Findings to Slides".
 *
 * Owns: finding the document to export (the command's argument — a file from the editor's
 * title bar, its context menu or the panel — or the active editor), reading it as the person
 * edited it (the open editor's text, saved or not), loading the export chunk on first use,
 * writing the file next to the markdown without ever leaving a partial file behind, and telling
 * the person what was written and what was skipped. Also keeps the `strategicAnalysis.analysisDocument`
 * context key that shows the commands on an analysis document's editor. Must not: read or
 * write markdown or Office formats itself (src/export does) or hold run state.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportResult } from '../../export/result';
import { inert } from '../inertText';
import type { ChannelLog } from '../log';
import { uriExists } from '../workspaceDocuments';

export const EXPORT_COMMANDS = {
  word: 'strategicAnalysis.exportWord',
  slides: 'strategicAnalysis.exportSlides',
} as const;

export const ANALYSIS_DOCUMENT_CONTEXT = 'strategicAnalysis.analysisDocument';

type Format = 'docx' | 'pptx';

/** True when the text starts with the frontmatter the final document of an analysis carries. */
export function looksLikeAnalysisDocument(text: string): boolean {
  const head = text.slice(0, 6000).replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(head)) return false;
  const end = head.slice(4).search(/^---[ \t]*$/m);
  const yaml = end >= 0 ? head.slice(0, end + 4) : head;
  return /^run_id:/m.test(yaml) && /^synthesizer:/m.test(yaml);
}

async function loadExporter(format: Format): Promise<(markdown: string, fallbackTitle?: string) => Promise<ExportResult>> {
  if (format === 'docx') return (await import('../../lazy/docx')).exportDocx;
  return (await import('../../lazy/pptx')).exportPptx;
}

function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && 'fsPath' in arg && typeof (arg as { fsPath: unknown }).fsPath === 'string') {
    return vscode.Uri.file((arg as { fsPath: string }).fsPath);
  }
  if (typeof arg === 'string' && arg) return vscode.Uri.file(arg);
  const editor = vscode.window.activeTextEditor;
  return editor && editor.document.languageId === 'markdown' ? editor.document.uri : undefined;
}

export interface ExportOutcome {
  file: vscode.Uri;
  bytes: number;
  ms: number;
  warnings: string[];
}

export class ExportCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: ChannelLog) {
    this.disposables.push(
      vscode.commands.registerCommand(EXPORT_COMMANDS.word, (arg?: unknown) => this.run('docx', arg)),
      vscode.commands.registerCommand(EXPORT_COMMANDS.slides, (arg?: unknown) => this.run('pptx', arg)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateContext(e)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d === vscode.window.activeTextEditor?.document) this.updateContext(vscode.window.activeTextEditor);
      }),
    );
    this.updateContext(vscode.window.activeTextEditor);
  }

  private updateContext(editor: vscode.TextEditor | undefined): void {
    const is = !!editor && editor.document.languageId === 'markdown' && looksLikeAnalysisDocument(editor.document.getText());
    void vscode.commands.executeCommand('setContext', ANALYSIS_DOCUMENT_CONTEXT, is);
  }

  /** Runs one export; resolves with what was written, or undefined when nothing was. Never throws. */
  async run(format: Format, arg?: unknown): Promise<ExportOutcome | undefined> {
    try {
      return await this.export(format, arg);
    } catch (err) {
      const message = this.log.redact(err instanceof Error ? err.message : String(err));
      this.log.error(`Export to ${format} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The export failed: {0}', inert(message)));
      return undefined;
    }
  }

  private async export(format: Format, arg: unknown): Promise<ExportOutcome | undefined> {
    const source = targetOf(arg);
    if (!source) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Open the document of an analysis first: the export reads the markdown in the active editor.'));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(source);
    const markdown = document.getText();
    const name = path.basename(source.fsPath);
    if (!looksLikeAnalysisDocument(markdown)) {
      const go = vscode.l10n.t('Export Anyway');
      const picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('"{0}" does not start with the frontmatter of an analysis document. Export it anyway?', inert(name)),
        { modal: true },
        go,
      );
      if (picked !== go) return undefined;
    }
    const ext = format === 'docx' ? '.docx' : '.pptx';
    const target = vscode.Uri.file(source.fsPath.replace(/\.(md|markdown)$/i, '') + ext);
    if (await uriExists(target)) {
      const replace = vscode.l10n.t('Replace');
      const picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('"{0}" already exists. Replace it? Changes made to it since the last export would be lost.', inert(path.basename(target.fsPath))),
        { modal: true },
        replace,
      );
      if (picked !== replace) return undefined;
    }

    const title = format === 'docx' ? vscode.l10n.t('Exporting to Word…') : vscode.l10n.t('Exporting key findings to slides…');
    const started = performance.now();
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async () => {
      const exporter = await loadExporter(format);
      const fallback = path.basename(source.fsPath).replace(/\.(md|markdown)$/i, '');
      const produced = await exporter(markdown, fallback);
      await this.writeAtomically(target, produced.bytes);
      return produced;
    });
    const ms = Math.round(performance.now() - started);
    const outcome: ExportOutcome = { file: target, bytes: result.bytes.length, ms, warnings: result.warnings };
    this.log.info(`Exported ${target.fsPath} (${(result.bytes.length / 1024).toFixed(1)} KB, ${result.citations} source(s)) in ${ms} ms.`);
    for (const w of result.warnings) this.log.warn(`Export of ${name}: ${w}`);
    void this.announce(outcome);
    return outcome;
  }

  /** Writes to a temporary file next to the target, then renames it: a failure leaves no partial file. */
  private async writeAtomically(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
    const temp = vscode.Uri.file(`${target.fsPath}.${process.pid}-${Date.now()}.tmp`);
    try {
      await vscode.workspace.fs.writeFile(temp, bytes);
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
    } catch (err) {
      await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined);
      throw new Error(vscode.l10n.t('{0} could not be written: {1}', path.basename(target.fsPath), err instanceof Error ? err.message : String(err)));
    }
  }

  private async announce(outcome: ExportOutcome): Promise<void> {
    const open = vscode.l10n.t('Open');
    const reveal = vscode.l10n.t('Reveal in Explorer');
    const name = path.basename(outcome.file.fsPath);
    let picked: string | undefined;
    if (outcome.warnings.length) {
      const details = vscode.l10n.t('Show Details');
      const list = outcome.warnings.slice(0, 3).map((w) => inert(w, 160)).join(' · ');
      const more = outcome.warnings.length > 3 ? ` ${vscode.l10n.t('(and {0} more)', outcome.warnings.length - 3)}` : '';
      picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('Exported {0}, with {1} warning(s): {2}', inert(name), outcome.warnings.length, list + more),
        open,
        details,
      );
      if (picked === details) this.log.channel.show(true);
    } else {
      picked = await vscode.window.showInformationMessage(vscode.l10n.t('Exported {0}.', inert(name)), open, reveal);
    }
    if (picked === open) await vscode.env.openExternal(outcome.file);
    if (picked === reveal) await vscode.commands.executeCommand('revealInExplorer', outcome.file);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
