/**
 * Which providers a run uses: the Anthropic and Exa APIs with the person's keys, or the offline
 * demo ones — from the demo-mode setting, the keys that are set, and, on resume, the mode the
 * run was started in.
 *
 * Owns: the demo-or-API decision, what the panel expects before a run (demo, web search), and
 * refusing a run that cannot start (a base URL that is not a URL, no Anthropic key outside demo
 * mode) with the action that fixes it. Must not: build the providers (runFactories.ts does) or
 * store keys (keys.ts does).
 */
import * as vscode from 'vscode';
import type { ExtensionSettings } from './config';
import { offer, openSettingAction } from './fixActions';
import { inert } from './inertText';
import type { ApiKeys } from './keys';
import type { ChannelLog } from './log';

export interface ProviderChoice {
  demo: boolean;
  anthropicKey?: string;
  exaKey?: string;
}

function demoFor(settings: Pick<ExtensionSettings, 'demoMode'>, hasAnthropicKey: boolean): boolean {
  return settings.demoMode === 'on' || (settings.demoMode === 'auto' && !hasAnthropicKey);
}

/** What a run started now would use, for the panel: demo mode, and whether web search is there. */
export async function expectedProviders(
  keys: ApiKeys,
  settings: Pick<ExtensionSettings, 'demoMode'>,
): Promise<{ demo: boolean; webSearchAvailable: boolean }> {
  const anthropic = await keys.has('anthropic');
  const exa = await keys.has('exa');
  const demo = demoFor(settings, anthropic);
  return { demo, webSearchAvailable: demo || exa };
}

/**
 * The providers of a run, or no `choice` when it cannot start (the person was told why).
 * `runDemo`: the mode asked for (a resumed run keeps its own); `secrets`: the keys that are set,
 * which the state store keeps out of saved states.
 */
export async function chooseProviders(
  keys: ApiKeys,
  settings: ExtensionSettings,
  runDemo: boolean | undefined,
  log: ChannelLog,
): Promise<{ choice?: ProviderChoice; secrets: string[] }> {
  const anthropic = await keys.get('anthropic');
  const exa = await keys.get('exa');
  const secrets = [anthropic?.value, exa?.value].filter((v): v is string => !!v);
  const demo = runDemo ?? demoFor(settings, !!anthropic);
  // A base URL that is not a URL: refused, never replaced by the public endpoint.
  const blocked = demo ? undefined : settings.blocking[0];
  if (blocked) {
    log.error(blocked.message);
    await offer((m, ...items) => vscode.window.showErrorMessage(m, ...items), inert(blocked.message), [
      openSettingAction(vscode.l10n.t('Open Settings'), blocked.setting),
    ]);
    return { secrets };
  }
  if (!demo && !anthropic) {
    const set = vscode.l10n.t('Set API Key');
    const picked = await vscode.window.showErrorMessage(
      runDemo === false
        ? vscode.l10n.t('This analysis uses the Anthropic API: set an Anthropic API key to resume it.')
        : vscode.l10n.t('No Anthropic API key is set and demo mode is off.'),
      set,
    );
    if (picked === set) await vscode.commands.executeCommand('strategicAnalysis.setAnthropicKey');
    return { secrets };
  }
  return { choice: { demo, anthropicKey: anthropic?.value, exaKey: exa?.value }, secrets };
}
