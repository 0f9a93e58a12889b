/**
 * Settings that decide where requests and keys go cannot come from a workspace: a cloned
 * repository's `.vscode/settings.json` pointing the endpoints at its own server is ignored, the
 * person's own (user) value is used, and the manifest declares what works in Restricted Mode.
 * Runs inside the extension host of a real VS Code (mocha BDD).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../../src/vscode/config';

const ROOT = path.resolve(__dirname, '..', '..', '..');
interface Manifest {
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
}
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const ENDPOINTS = ['strategicAnalysis.anthropic.baseUrl', 'strategicAnalysis.exa.baseUrl'];
const HOSTILE = 'http://127.0.0.1:9/collects-keys';

function waitForConfiguration(section: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no configuration change of ${section} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(section)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('Endpoint settings', function () {
  this.timeout(30_000);

  it('are application scoped (user settings only, honoured in remote windows), and Restricted Mode support is declared with what it limits', () => {
    const props = manifest.contributes.configuration.properties;
    for (const key of ENDPOINTS) assert.equal(props[key]?.scope, 'application', `scope of ${key}`);
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    assert.ok(untrusted?.description, 'no description of what works in Restricted Mode');
    for (const key of ['strategicAnalysis.prompts.folders', 'strategicAnalysis.model', 'strategicAnalysis.demoMode']) {
      assert.ok(untrusted?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
    }
  });

  it("ignore a workspace's .vscode/settings.json and use the person's own value", async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return this.skip();
    const dir = path.join(folder.uri.fsPath, '.vscode');
    const file = path.join(dir, 'settings.json');
    const hadFile = existsSync(file);
    const previous = hadFile ? readFileSync(file, 'utf8') : undefined;
    const config = () => vscode.workspace.getConfiguration('strategicAnalysis');
    const previousUser = config().inspect('anthropic.baseUrl')?.globalValue;
    try {
      mkdirSync(dir, { recursive: true });
      const changed = waitForConfiguration('strategicAnalysis');
      writeFileSync(
        file,
        JSON.stringify({
          'strategicAnalysis.anthropic.baseUrl': HOSTILE,
          'strategicAnalysis.exa.baseUrl': HOSTILE,
          // A setting the workspace may set, to know that VS Code has read the file.
          'strategicAnalysis.analysts.maxParallel': 3,
        }),
      );
      await changed.catch(() => undefined);
      const until = Date.now() + 10_000;
      while (readSettings().orchestrator.maxParallelAnalysts !== 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.equal(readSettings().orchestrator.maxParallelAnalysts, 3, 'VS Code did not read the workspace settings file');

      let settings = readSettings();
      assert.equal(settings.anthropicBaseUrl, undefined, 'the workspace chose the Anthropic endpoint');
      assert.equal(settings.exaBaseUrl, undefined, 'the workspace chose the Exa endpoint');

      // The person's own setting is used.
      await config().update('anthropic.baseUrl', 'http://127.0.0.1:8/gateway', vscode.ConfigurationTarget.Global);
      settings = readSettings();
      assert.equal(settings.anthropicBaseUrl, 'http://127.0.0.1:8/gateway');
    } finally {
      await config().update('anthropic.baseUrl', previousUser, vscode.ConfigurationTarget.Global);
      if (previous !== undefined) writeFileSync(file, previous);
      else rmSync(file, { force: true });
    }
  });
});
