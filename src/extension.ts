/**
 * Extension entry point: wires the VS Code layer to the workflow core. Nothing else lives here.
 *
 * Activation is kept fast: only the output channel, the key store and the registrations happen
 * here. The controller (and with it zod, the core, the prompt loader and the SDKs) is loaded the
 * first time a command runs or the panel is shown. The activation time is logged and returned in
 * the extension's API as `activationMs`.
 */
import * as vscode from 'vscode';
import type { AnalysisController } from './vscode/controller';
import { ExportCommands } from './vscode/export/exportCommands';
import { inert } from './vscode/inertText';
import { ApiKeys } from './vscode/keys';
import { ChannelLog } from './vscode/log';

export interface StrategicAnalysisApi {
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
  /** The view state of the Analysis panel (loads the controller when needed); for tests. */
  viewState(): Promise<unknown>;
  /** Whether the Analysis panel is shown; for tests. */
  panelVisible(): Promise<boolean>;
  /**
   * The errors that commands reported to the person (shown and logged, not rethrown: VS Code
   * would show them a second time), the last 20, oldest first; for tests.
   */
  commandErrors(): readonly string[];
}

export function activate(context: vscode.ExtensionContext): StrategicAnalysisApi {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Strategic Analysis', { log: true });
  const log = new ChannelLog(channel);
  const keys = new ApiKeys(context.secrets, log);
  context.subscriptions.push(channel, keys);

  const commandErrors: string[] = [];
  let loading: Promise<AnalysisController> | undefined;
  const getController = (): Promise<AnalysisController> => {
    loading ??= import('./vscode/controller.js').then(({ AnalysisController: Controller }) => {
      const created = new Controller({ context, log, keys });
      context.subscriptions.push(created);
      return created;
    });
    return loading;
  };
  const run =
    (action: (c: AnalysisController, ...args: unknown[]) => unknown) =>
    async (...args: unknown[]) => {
      try {
        await action(await getController(), ...args);
      } catch (err) {
        const message = log.redact(err instanceof Error ? err.message : String(err));
        log.error(message);
        commandErrors.push(message);
        if (commandErrors.length > 20) commandErrors.shift();
        void vscode.window.showErrorMessage(inert(message));
      }
    };

  context.subscriptions.push(
    vscode.commands.registerCommand('strategicAnalysis.start', run((c, arg) => c.start(arg))),
    vscode.commands.registerCommand('strategicAnalysis.resume', run((c, arg) => c.resume(arg))),
    vscode.commands.registerCommand('strategicAnalysis.cancel', run((c) => c.cancel())),
    vscode.commands.registerCommand('strategicAnalysis.showRunLog', run((c, arg) => c.showRunLog(arg))),
    vscode.commands.registerCommand('strategicAnalysis.openPanel', run((c) => c.openPanel())),
    vscode.commands.registerCommand('strategicAnalysis.openWorkedExample', run((c) => c.openWorkedExample())),
    vscode.commands.registerCommand('strategicAnalysis.setAnthropicKey', () => keys.prompt('anthropic')),
    vscode.commands.registerCommand('strategicAnalysis.clearAnthropicKey', () => keys.clear('anthropic')),
    vscode.commands.registerCommand('strategicAnalysis.setExaKey', () => keys.prompt('exa')),
    vscode.commands.registerCommand('strategicAnalysis.clearExaKey', () => keys.clear('exa')),
    new ExportCommands(log),
    vscode.window.registerWebviewViewProvider('strategicAnalysis.panel', {
      resolveWebviewView: async (view) => {
        const c = await getController();
        c.panel.resolveWebviewView(view);
      },
    }),
  );

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    viewState: async () => (await getController()).viewState(),
    panelVisible: async () => (await getController()).panel.visible,
    commandErrors: () => [...commandErrors],
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
