/**
 * A run driven through the commands in demo mode: Start Analysis with a problem reaches the
 * source gate in the panel's view state, Cancel Analysis ends it as cancelled in the review
 * queue, and Resume Analysis asks the same gate again.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ViewState } from '../../src/shared/protocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

interface Api {
  activationMs: number;
  viewState(): Promise<ViewState>;
}

async function waitFor(api: Api, what: string, test: (v: ViewState) => boolean, timeoutMs = 30_000): Promise<ViewState> {
  const until = Date.now() + timeoutMs;
  let last: ViewState | undefined;
  while (Date.now() < until) {
    last = await api.viewState();
    if (test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last view state: ${JSON.stringify(last)}`);
}

describe('Demo run through the commands', function () {
  this.timeout(90_000);
  let api: Api;
  let previousDemo: unknown;

  before(async function () {
    if (!vscode.workspace.workspaceFolders?.length) this.skip();
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    const config = vscode.workspace.getConfiguration('strategicAnalysis');
    previousDemo = config.inspect('demoMode')?.globalValue;
    await config.update('demoMode', 'on', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('strategicAnalysis.cancel');
    await vscode.workspace
      .getConfiguration('strategicAnalysis')
      .update('demoMode', previousDemo, vscode.ConfigurationTarget.Global);
  });

  it('exposes its activation time', () => {
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs >= 0 && api.activationMs < 1_000, `activation took ${api.activationMs} ms`);
  });

  it('rejects an empty problem without starting a run', async () => {
    await vscode.commands.executeCommand('strategicAnalysis.start', '   ');
    const view = await api.viewState();
    assert.equal(view.active, null);
  });

  it('refuses a 1 MB problem before starting a run', async () => {
    const before = (await api.viewState()).runs.length;
    const huge = `Should we expand? ${'A very long pasted report. '.repeat(40_000)}`;
    // Not awaited: a run that started would wait at its first gate.
    void vscode.commands.executeCommand('strategicAnalysis.start', huge);
    await new Promise((r) => setTimeout(r, 2_000));
    const view = await api.viewState();
    assert.equal(view.active, null, 'a run started with a 1 MB problem');
    assert.equal(view.runs.length, before);
  });

  it('stops at the source gate, cancels, and asks the gate again on resume', async () => {
    const problem = `Should a bakery software company open a German office? (suite ${Date.now()})`;
    const started = vscode.commands.executeCommand('strategicAnalysis.start', problem);
    const atGate = await waitFor(api, 'the source gate', (v) => v.gate?.kind === 'sources');
    assert.equal(atGate.demo, true, 'the panel is not labelled as demo mode');
    assert.ok(atGate.active, 'no active run in the view state');
    assert.equal(atGate.active.working, false, 'the run is shown as working while it waits for the person');
    const id = atGate.active.id;
    assert.ok(id, 'the active run has no id');

    await vscode.commands.executeCommand('strategicAnalysis.cancel');
    await started;
    const after = await waitFor(api, 'the cancelled run in the queue', (v) =>
      v.active === null && v.runs.some((r) => r.id === id && r.status === 'cancelled'),
    );
    assert.equal(after.gate, null);

    const resumed = vscode.commands.executeCommand('strategicAnalysis.resume', id);
    const again = await waitFor(api, 'the source gate after resuming', (v) => v.gate?.kind === 'sources' && v.active?.id === id);
    assert.ok(again.gate);
    await vscode.commands.executeCommand('strategicAnalysis.cancel');
    await resumed;
    await waitFor(api, 'the run to stop', (v) => v.active === null);
  });
});
