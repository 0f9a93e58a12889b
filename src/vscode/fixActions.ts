/**
 * The action offered next to a configuration error: the one that fixes the actual problem.
 *
 * Owns: mapping a failure (a ConfigurationError from a provider, a refused setting, an
 * authentication error in words) to a notification button and what the button does — set the
 * right key, open the model setting, open the endpoint setting. Must not: decide whether a run
 * may start (the controller does) or word the error itself (the error carries its message).
 */
import * as vscode from 'vscode';
import { ConfigurationError } from '../core/errors';

export interface FixAction {
  /** The button's label. */
  label: string;
  run(): Thenable<unknown>;
}

const SECTION = 'strategicAnalysis';

/** Opens the Settings editor filtered to one setting (or a few, by a shared prefix). */
export function openSettingAction(label: string, query: string): FixAction {
  return { label, run: () => vscode.commands.executeCommand('workbench.action.openSettings', query) };
}

function setKeyAction(which: 'anthropic' | 'exa'): FixAction {
  return which === 'exa'
    ? { label: vscode.l10n.t('Set Exa API Key'), run: () => vscode.commands.executeCommand(`${SECTION}.setExaKey`) }
    : { label: vscode.l10n.t('Set Anthropic API Key'), run: () => vscode.commands.executeCommand(`${SECTION}.setAnthropicKey`) };
}

/** The endpoint setting of a service. */
export function baseUrlSetting(service: 'anthropic' | 'exa'): string {
  return `${SECTION}.${service}.baseUrl`;
}

function asConfigurationError(error: unknown): ConfigurationError | undefined {
  if (error instanceof ConfigurationError) return error;
  // Errors that crossed a module boundary keep their name and fields, not their class.
  if (error instanceof Error && error.name === 'ConfigurationError' && 'setting' in error) return error as ConfigurationError;
  return undefined;
}

/** The action that fixes `error`, or undefined when no setting or key is at fault. */
export function fixFor(error: unknown, message: string): FixAction | undefined {
  const config = asConfigurationError(error);
  if (config) {
    switch (config.setting) {
      case 'anthropicKey':
        return setKeyAction('anthropic');
      case 'exaKey':
        return setKeyAction('exa');
      case 'model':
        return openSettingAction(vscode.l10n.t('Choose Model'), `${SECTION}.model`);
      case 'baseUrl':
        return openSettingAction(vscode.l10n.t('Open Settings'), baseUrlSetting(config.service ?? 'anthropic'));
      default:
        return undefined;
    }
  }
  // An authentication failure reported in words (a gateway's own error, for example).
  if (/\b(401|authentication|api key|x-api-key)\b/i.test(message)) {
    return setKeyAction(/\bexa\b/i.test(message) ? 'exa' : 'anthropic');
  }
  return undefined;
}

/** Shows a notification (`show`: error, warning, information) with these actions and runs the one picked. */
export async function offer(
  show: (message: string, ...items: string[]) => Thenable<string | undefined>,
  message: string,
  actions: FixAction[],
): Promise<void> {
  const picked = await show(message, ...actions.map((a) => a.label));
  await actions.find((a) => a.label === picked)?.run();
}
