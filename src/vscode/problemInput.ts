/**
 * Where the problem of a new analysis comes from: typed in an input box, the editor's selection,
 * or the active markdown file. When a selection or a markdown file is available the person
 * chooses; an empty problem, or one too long to send with every call, gets a clear message.
 *
 * Owns: that choice, the input box and refusing a problem before anything is sent. Must not:
 * start the run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { problemOverLimit } from '../core/problemSize';

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

/**
 * The problem of a new run: `problemArg` (a string, for scripted use) or the person's answer;
 * undefined when there is none or it is refused (the person was told why).
 */
export async function problemOf(problemArg: unknown): Promise<string | undefined> {
  let problem = typeof problemArg === 'string' ? problemArg.trim() : undefined;
  if (typeof problemArg === 'string' && !problem) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The problem is empty: describe what to analyse.'));
    return undefined;
  }
  problem ??= await askProblem();
  if (!problem) return undefined;
  // Refused before any paid call: a long text belongs in a context document.
  const over = problemOverLimit(problem);
  if (over) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'The problem is {0} characters long (about {1} tokens); a problem may have at most {2}, because it is sent with every model call. Nothing was sent. Keep the problem to the question itself and add the long text as a context document at the sources step.',
        over.chars.toLocaleString(vscode.env.language),
        over.tokens.toLocaleString(vscode.env.language),
        over.maxChars.toLocaleString(vscode.env.language),
      ),
    );
    return undefined;
  }
  return problem;
}
