/**
 * Prompt library problems reach the Problems panel: a broken definition file in a folder named
 * in `strategicAnalysis.prompts.folders` gets a diagnostic with its line and reason, and a file
 * that replaces a bundled definition gets an information diagnostic saying so.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

describe('Prompt library diagnostics', function () {
  this.timeout(30_000);
  let dir: string;
  let previous: unknown;

  before(async () => {
    const api = await vscode.extensions.getExtension<{ viewState(): Promise<unknown> }>(EXTENSION_ID)!.activate();
    await api.viewState(); // loads the controller
    dir = mkdtempSync(path.join(os.tmpdir(), 'sa-prompts-'));
    mkdirSync(path.join(dir, 'analysts'));
    writeFileSync(path.join(dir, 'analysts', 'broken.md'), '# No frontmatter here\n\nJust text.\n');
    writeFileSync(
      path.join(dir, 'analysts', 'market.md'),
      '---\nname: Market (team)\ndescription: The team market view.\nfocus: Our segments.\nrequired_fields: []\n---\nSize the market from the CRM.\n',
    );
    previous = vscode.workspace.getConfiguration('strategicAnalysis').inspect('prompts.folders')?.globalValue;
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('strategicAnalysis')
      .update('prompts.folders', previous, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a broken definition file with its line and reason', async () => {
    await vscode.workspace
      .getConfiguration('strategicAnalysis')
      .update('prompts.folders', [dir], vscode.ConfigurationTarget.Global);
    const uri = vscode.Uri.file(path.join(dir, 'analysts', 'broken.md'));
    const until = Date.now() + 20_000;
    let found: readonly vscode.Diagnostic[] = [];
    while (Date.now() < until && found.length === 0) {
      await new Promise((r) => setTimeout(r, 100));
      found = vscode.languages.getDiagnostics(uri);
    }
    assert.equal(found.length, 1, 'no diagnostic for the broken file');
    assert.equal(found[0].range.start.line, 0);
    assert.match(found[0].message, /frontmatter/i);
    assert.equal(found[0].severity, vscode.DiagnosticSeverity.Warning);
  });

  it('reports a definition that replaces a bundled one as information', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'analysts', 'market.md'));
    const until = Date.now() + 20_000;
    let found: readonly vscode.Diagnostic[] = [];
    while (Date.now() < until && found.length === 0) {
      await new Promise((r) => setTimeout(r, 100));
      found = vscode.languages.getDiagnostics(uri);
    }
    assert.equal(found.length, 1, 'no diagnostic for the replacing file');
    assert.match(found[0].message, /^Replaces the bundled analyst "Market Analyst" \(id "market"\)/);
    assert.equal(found[0].severity, vscode.DiagnosticSeverity.Information);
    assert.equal(found[0].range.start.line, 1, 'on the line of its name');
  });
});
