/**
 * The worked example of demo mode, seen from the editor: its problem (the sample workspace's,
 * shipped in media/demo/<language>/problem.md) and the plain statement, when a demo run starts
 * on another problem, that demo mode can only show the worked example.
 *
 * Owns: recognising the worked example's problem, reading it in the interface language, and the
 * notification with its actions. Must not: run anything itself (the controller starts runs).
 */
import * as vscode from 'vscode';

/** The worked example is about Verdello; any problem that names it is taken for it. */
export function isWorkedExampleProblem(problem: string): boolean {
  return /\bverdello\b/i.test(problem);
}

/** The worked example's problem, in Italian for an Italian interface, in English otherwise. */
export async function workedExampleProblem(extensionUri: vscode.Uri): Promise<string> {
  const lang = vscode.env.language.toLowerCase().startsWith('it') ? 'it' : 'en';
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'media', 'demo', lang, 'problem.md'));
  return new TextDecoder('utf-8').decode(bytes).trim();
}

/** Says, without waiting, that this demo run shows the worked example; offers a key or the example's problem. */
export function offerWorkedExample(): void {
  const setKey = vscode.l10n.t('Set API Key');
  const open = vscode.l10n.t('Open the Worked Example Next');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        'Demo mode can only show its worked example: whether Verdello, a bakery software company, should enter the German market. This run shows that analysis, not one of your problem. Set an Anthropic API key to analyse your own problem.',
      ),
      setKey,
      open,
    )
    .then((picked) => {
      if (picked === setKey) void vscode.commands.executeCommand('strategicAnalysis.setAnthropicKey');
      // The run under way is the worked example's analysis already; afterwards it can be run on its own problem.
      if (picked === open) void vscode.commands.executeCommand('strategicAnalysis.openWorkedExample');
    });
}
