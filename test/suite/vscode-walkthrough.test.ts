/**
 * The first-run walkthrough: every step has its command button (a command the extension
 * contributes) and a completion event, its texts exist in English and Italian, and VS Code
 * opens it.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;

interface Step {
  id: string;
  title: string;
  description: string;
  completionEvents: string[];
}

describe('Walkthrough', () => {
  const manifest = json('package.json') as {
    publisher: string;
    name: string;
    contributes: { commands: Array<{ command: string }>; walkthroughs: Array<{ id: string; title: string; steps: Step[] }>; views: Record<string, Array<{ id: string }>> };
  };
  const nls = json('package.nls.json') as Record<string, string>;
  const nlsIt = json('package.nls.it.json') as Record<string, string>;
  const text = (v: string, table: Record<string, string>) => table[v.replace(/^%|%$/g, '')] ?? '';

  it('has the steps a newcomer needs, each with its command and its completion event', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(text(walkthrough.title, nls), 'Get started with Strategic Analysis');
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['setKey', 'workedExample', 'start', 'panel', 'export']);
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));
    for (const step of walkthrough.steps) {
      for (const table of [nls, nlsIt]) {
        assert.ok(text(step.title, table).trim(), `${step.id} has a title`);
        const links = [...text(step.description, table).matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
        assert.ok(links.length >= 1 && links.every((c) => commands.has(c)), `${step.id}: ${links.join(', ')}`);
      }
      assert.ok(step.completionEvents.length >= 1, `${step.id} is checked off by an event`);
      for (const event of step.completionEvents) {
        const [kind, id] = event.split(':');
        assert.ok(kind === 'onCommand' ? commands.has(id) : kind === 'onView' && views.has(id), `${step.id}: ${event}`);
      }
      const links = [...text(step.description, nls).matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(step.completionEvents.some((e) => links.includes(e.replace(/^onCommand:/, '')) || e.startsWith('onView:')), `${step.id}: its button checks it off`);
    }
  });

  it('opens in VS Code', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${manifest.publisher}.${manifest.name}#getStarted`, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
