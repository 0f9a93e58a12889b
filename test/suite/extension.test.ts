/**
 * Runs inside the VS Code extension host (mocha, BDD): the extension activates, exposes its
 * activation time, contributes and registers its commands, view and settings; commands do what
 * they say, and fail a test when they report an error (the extension shows command errors
 * instead of rethrowing them, and lists them in its API).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_TITLES } from '../commandTitles';

/** out/test/suite/ → the project root, which is the extension's folder. */
const EXTENSION_ROOT = path.resolve(__dirname, '..', '..', '..');

interface Manifest {
  name: string;
  publisher: string;
  contributes: {
    commands?: { command: string; title: string; category?: string }[];
    configuration?: { properties?: Record<string, { default?: unknown }> } | { properties?: Record<string, { default?: unknown }> }[];
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    views?: Record<string, { id: string; name: string; type?: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'package.json'), 'utf8')) as Manifest;
const NLS_FILE = path.join(EXTENSION_ROOT, 'package.nls.json');
const nls = (existsSync(NLS_FILE) ? JSON.parse(readFileSync(NLS_FILE, 'utf8')) : {}) as Record<string, string>;
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** Resolves a `%key%` manifest string through package.nls.json. */
function localized(value: string | undefined): string | undefined {
  const match = value?.match(/^%(.+)%$/);
  return match ? nls[match[1]] : value;
}


function commandIdByTitle(title: string): string {
  const found = (manifest.contributes.commands ?? []).find((c) => localized(c.title) === title);
  assert.ok(found, `no contributed command titled "${title}"`);
  return found.command;
}

function configurationProperties(): Record<string, { default?: unknown }> {
  const configuration = manifest.contributes.configuration;
  const sections = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return Object.assign({}, ...sections.map((section) => section.properties ?? {}));
}

describe('Extension', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
    await extension.activate();
  });

  it('activates', () => {
    assert.equal(extension.isActive, true);
  });

  it('reports how long its activation took', () => {
    const exports = extension.exports as { activationMs?: unknown } | undefined;
    assert.ok(exports && typeof exports === 'object', 'activate() returns no exports object');
    assert.equal(typeof exports.activationMs, 'number');
    const ms = exports.activationMs as number;
    assert.ok(Number.isFinite(ms) && ms >= 0, `activationMs is ${ms}`);
    assert.ok(ms < 5_000, `activation took ${ms} ms`);
  });
});

interface Api {
  viewState(): Promise<{ demo: boolean }>;
  panelVisible(): Promise<boolean>;
  commandErrors(): readonly string[];
}

async function api(): Promise<Api> {
  const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Runs a command and fails with the error it reported (the extension shows errors, it does not rethrow them). */
async function runCommand(title: string, ...args: unknown[]): Promise<void> {
  const before = (await api()).commandErrors().length;
  await vscode.commands.executeCommand(commandIdByTitle(title), ...args);
  assert.deepEqual((await api()).commandErrors().slice(before), [], `"${title}" reported an error`);
}

describe('Commands', () => {
  before(async () => {
    await api();
  });

  it('contributes every documented command in the "Strategic Analysis" category', () => {
    const commands = manifest.contributes.commands ?? [];
    const titles = commands.map((c) => localized(c.title));
    for (const title of COMMAND_TITLES) {
      assert.ok(titles.includes(title), `missing command "${title}" (found: ${titles.join(', ')})`);
    }
    for (const command of commands) {
      assert.equal(localized(command.category), 'Strategic Analysis', `category of ${command.command}`);
      assert.ok(command.command.startsWith('strategicAnalysis.'), `${command.command} is not in the strategicAnalysis namespace`);
    }
  });

  it('registers a handler for every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = (manifest.contributes.commands ?? []).map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('"Open Analyses Panel" shows the Analysis panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await until('the panel to close', async () => !(await (await api()).panelVisible()));
    await runCommand('Open Analyses Panel');
    await until('the Analysis panel to show', async () => (await api()).panelVisible());
  });

  it('"Show Run Log" of an analysis without a log opens no empty document', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await runCommand('Show Run Log', 'no-such-run');
    assert.equal(vscode.window.activeTextEditor, undefined);
  });
});

describe('Contributions', () => {
  it('contributes the "Strategic Analysis" view container with the "Analysis" webview view', () => {
    const containers = Object.values(manifest.contributes.viewsContainers ?? {}).flat();
    const container = containers.find((c) => c.id === 'strategicAnalysis');
    assert.ok(container, 'no view container strategicAnalysis');
    assert.equal(localized(container.title), 'Strategic Analysis');
    const view = (manifest.contributes.views?.strategicAnalysis ?? []).find((v) => v.id === 'strategicAnalysis.panel');
    assert.ok(view, 'no view strategicAnalysis.panel');
    assert.equal(view.type, 'webview');
    assert.equal(localized(view.name), 'Analysis');
  });

  it('every setting reads its declared default', () => {
    const properties = configurationProperties();
    const keys = Object.keys(properties);
    assert.ok(keys.length > 0, 'no settings contributed');
    for (const key of keys) {
      assert.ok(key.startsWith('strategicAnalysis.'), `${key} is not in the strategicAnalysis section`);
      const inspected = vscode.workspace.getConfiguration().inspect(key);
      assert.ok(inspected, `setting ${key} is unknown to VS Code`);
      assert.deepEqual(inspected.defaultValue, properties[key].default, `default of ${key}`);
    }
  });

  it('documents the demo mode, output folder and endpoint settings', () => {
    const config = vscode.workspace.getConfiguration('strategicAnalysis');
    assert.equal(config.inspect('demoMode')?.defaultValue, 'auto');
    assert.equal(config.inspect('output.folder')?.defaultValue, 'analyses');
    assert.ok(config.inspect('anthropic.baseUrl'), 'strategicAnalysis.anthropic.baseUrl is not contributed');
    assert.ok(config.inspect('exa.baseUrl'), 'strategicAnalysis.exa.baseUrl is not contributed');
  });
});

describe('Secret storage', () => {
  it('"Clear Anthropic API Key" and "Clear Exa API Key" leave no key: demo mode is expected', async function () {
    if (process.env.ANTHROPIC_API_KEY?.trim()) this.skip();
    const config = vscode.workspace.getConfiguration('strategicAnalysis');
    assert.equal(config.get('demoMode'), 'auto');
    await runCommand('Clear Anthropic API Key');
    await runCommand('Clear Exa API Key');
    await until('the panel to expect demo mode', async () => (await (await api()).viewState()).demo);
  });
});
