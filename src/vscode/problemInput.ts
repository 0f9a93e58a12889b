/**
 * Where the problem of a new analysis comes from: typed in an input box, the editor's selection,
 * or the active markdown file. When a selection or a markdown file is available the person
 * chooses; an empty problem gets a clear message.
 *
 * Owns: that choice and the input box. Must not: start the run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

type Origin = 'type' | 'selection' | 'file';

interface OriginItem extends vscode.QuickPickItem {
  origin: Origin;
}

function typeProblem(initial = ''): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Start Analysis'),
    prompt: vscode.l10n.t('Describe the decision or problem to analyse.'),
    placeHolder: vscode.l10n.t('e.g. Should we enter the German market with our B2B product next year?'),
    value: initial,
    ignoreFocusOut: true,
    validateInput: (text) =>
      text.trim()
        ? undefined
        : { message: vscode.l10n.t('Describe the problem first: it cannot be empty.'), severity: vscode.InputBoxValidationSeverity.Error },
  });
}

/** Asks for the problem. Returns undefined when the person dismissed every prompt. */
export async function askProblem(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  const markdownDoc =
    editor && editor.document.languageId === 'markdown' && editor.document.uri.scheme !== 'strategic-analysis-draft'
      ? editor.document
      : undefined;

  const items: OriginItem[] = [];
  if (selection) {
    const firstLine = selection.trim().split(/\r?\n/)[0] ?? '';
    items.push({
      origin: 'selection',
      label: `$(selection) ${vscode.l10n.t('Use the selected text')}`,
      detail: firstLine.slice(0, 120),
    });
  }
  if (markdownDoc) {
    items.push({
      origin: 'file',
      label: `$(markdown) ${vscode.l10n.t('Use the file {0}', path.basename(markdownDoc.uri.fsPath || markdownDoc.uri.path))}`,
    });
  }
  let origin: Origin = 'type';
  if (items.length) {
    items.push({ origin: 'type', label: `$(edit) ${vscode.l10n.t('Type the problem')}` });
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Start Analysis'),
      placeHolder: vscode.l10n.t('Where is the problem to analyse?'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    origin = picked.origin;
  }

  if (origin === 'selection') {
    if (selection.trim()) return selection.trim();
    void vscode.window.showWarningMessage(vscode.l10n.t('The selected text is empty. Type the problem instead.'));
    return askTyped();
  }
  if (origin === 'file' && markdownDoc) {
    const text = markdownDoc.getText().trim();
    if (text) return text;
    void vscode.window.showWarningMessage(vscode.l10n.t('The file is empty. Type the problem instead.'));
    return askTyped();
  }
  return askTyped();
}

async function askTyped(): Promise<string | undefined> {
  const text = await typeProblem();
  const problem = text?.trim();
  return problem ? problem : undefined;
}
