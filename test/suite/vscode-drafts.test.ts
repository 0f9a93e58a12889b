/**
 * The live draft of the final document in a real VS Code: written by sections, it opens as one
 * read-only tab on the first part, shows the parts in document order whatever order they arrive
 * in, never shows raw HTML from the model, and closes when the real document is written.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DraftDocuments, DRAFT_SCHEME } from '../../src/vscode/drafts';

function draftTabs(runId: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === DRAFT_SCHEME && t.input.uri.path.startsWith(`/${runId}/`));
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('The draft of a document written by sections', () => {
  let drafts: DraftDocuments;

  beforeEach(() => {
    drafts = new DraftDocuments();
  });

  afterEach(() => {
    drafts.dispose();
  });

  it('opens one tab and shows the sections in document order as they arrive; the written document closes it', async () => {
    const runId = `draft-${Date.now()}`;
    const title = 'Should we enter the German market?';
    const uri = drafts.uriFor(runId, title);
    const parts = ['# Should we enter the German market?', '## Executive summary', '## Market', '## Risks'];
    await drafts.replace(runId, title, parts);
    await until('the draft tab', () => (draftTabs(runId).length === 1 ? true : undefined));

    // The third section arrives first, then the second; the summary last.
    parts[3] = '## Risks\n\nThe incumbent may cut its prices. <img src=x onerror=alert(1)>';
    await drafts.replace(runId, title, [...parts]);
    parts[2] = '## Market\n\nAbout 9,000 bakeries [S1].';
    await drafts.replace(runId, title, [...parts]);
    parts[1] = '## Executive summary\n\nDo not open an office in 2027.';
    await drafts.replace(runId, title, [...parts]);

    const shown = drafts.provideTextDocumentContent(uri);
    const order = ['# Should we enter', '## Executive summary', 'Do not open', '## Market', 'About 9,000', '## Risks', 'The incumbent'].map((t) => shown.indexOf(t));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), shown);
    assert.doesNotMatch(shown, /<img/, 'raw HTML from the model is not shown as markup');
    assert.equal(draftTabs(runId).length, 1, 'one tab for the whole document');

    // The editor shows the same text once the refresh has run.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.ok(doc, 'the draft is open as a document');
    await until('the editor to show every section', () => (doc.getText().includes('Do not open an office') ? true : undefined));

    await drafts.close(runId);
    await until('the draft tab to close', () => (draftTabs(runId).length === 0 ? true : undefined));
  });
});
