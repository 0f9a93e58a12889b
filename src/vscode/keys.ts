/**
 * API keys: stored in VS Code's SecretStorage, with the environment variables
 * `ANTHROPIC_API_KEY` / `EXA_API_KEY` as a fallback.
 *
 * Owns: reading, asking for (password input box), storing and clearing the keys. Must not: log
 * a key, put it in a message or in state (keys given to the log are masked, see log.ts).
 */
import * as vscode from 'vscode';
import type { ChannelLog } from './log';

export type KeyName = 'anthropic' | 'exa';

export const SECRET_IDS: Record<KeyName, string> = {
  anthropic: 'strategicAnalysis.anthropicKey',
  exa: 'strategicAnalysis.exaKey',
};

export const ENV_VARS: Record<KeyName, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  exa: 'EXA_API_KEY',
};

export interface KeyValue {
  value: string;
  source: 'secret' | 'env';
}

export class ApiKeys {
  private readonly changed = new vscode.EventEmitter<KeyName>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: ChannelLog,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private label(name: KeyName): string {
    return name === 'anthropic' ? 'Anthropic' : 'Exa';
  }

  async get(name: KeyName): Promise<KeyValue | undefined> {
    const stored = (await this.secrets.get(SECRET_IDS[name]))?.trim();
    if (stored) {
      this.log.addSecret(stored);
      return { value: stored, source: 'secret' };
    }
    const fromEnv = this.env[ENV_VARS[name]]?.trim();
    if (fromEnv) {
      this.log.addSecret(fromEnv);
      return { value: fromEnv, source: 'env' };
    }
    return undefined;
  }

  async has(name: KeyName): Promise<boolean> {
    return (await this.get(name)) !== undefined;
  }

  /** Asks for the key in a password input box and stores it. Returns false when dismissed. */
  async prompt(name: KeyName): Promise<boolean> {
    const label = this.label(name);
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0} API key', label),
      prompt: vscode.l10n.t('Paste your {0} API key. It is kept in VS Code\'s secret storage.', label),
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => {
        const v = text.trim();
        if (!v) return vscode.l10n.t('The key is empty.');
        if (/\s/.test(v)) return vscode.l10n.t('The key must not contain spaces.');
        return undefined;
      },
    });
    if (value === undefined) return false;
    const key = value.trim();
    if (!key) return false;
    this.log.addSecret(key);
    await this.secrets.store(SECRET_IDS[name], key);
    this.log.info(`${label} API key saved in secret storage.`);
    this.changed.fire(name);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} API key saved.', label));
    return true;
  }

  async clear(name: KeyName): Promise<void> {
    const label = this.label(name);
    await this.secrets.delete(SECRET_IDS[name]);
    this.log.info(`${label} API key removed from secret storage.`);
    this.changed.fire(name);
    const envStill = Boolean(this.env[ENV_VARS[name]]?.trim());
    void vscode.window.showInformationMessage(
      envStill
        ? vscode.l10n.t('{0} API key cleared. The {1} environment variable is still set and will be used.', label, ENV_VARS[name])
        : vscode.l10n.t('{0} API key cleared.', label),
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}
