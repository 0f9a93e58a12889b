/**
 * UI tests in a real VS Code (code-server + Chromium) without any API key: the commands in the
 * palette, the Analysis panel, storing and clearing a key through the commands (VS Code's secret
 * storage), and a complete analysis in demo mode.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openSession, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { waitFor } from '../harness/time';
import { answerGates, finalDocuments, runToCompletion, startFromPalette } from '../harness/flow';
import { filesContaining } from '../harness/codeServer';
import { COMMAND_TITLES } from '../commandTitles';

const DEMO_BANNER = 'Demo mode: canned answers, no API calls';

describe('without an API key', { timeout: 6 * 60_000 }, () => {
  let session: Session;
  let finalDocument: string | undefined;

  before(async () => {
    session = await openSession({ name: 'demo' });
  });

  after(async () => {
    await session?.close();
  });

  test('the palette lists every command under "Strategic Analysis"', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'palette-commands', async () => {
      const labels = await wb.paletteEntries('Strategic Analysis:');
      for (const title of COMMAND_TITLES) {
        assert.ok(
          labels.some((label) => label === `Strategic Analysis: ${title}`),
          `"Strategic Analysis: ${title}" is not in the palette (found: ${labels.join(' | ')})`,
        );
      }
    });
  });

  test('"Open Analyses Panel" shows the Analysis view, labelled as demo mode', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'open-panel', async () => {
      await wb.runCommand('Strategic Analysis: Open Analyses Panel');
      await wb.findInWebviews('button', 'Start Analysis');
      await wb.findText(DEMO_BANNER);
    });
  });

  test('"Set Anthropic API Key" stores the key and "Clear Anthropic API Key" removes it', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'api-key-round-trip', async () => {
      await wb.runCommand('Strategic Analysis: Set Anthropic API Key');
      await wb.waitForQuickInput('Anthropic API key');
      await wb.answerQuickInput('sk-ant-e2e-round-trip');
      await wb.waitForNotification('Anthropic API key saved.');
      // With a key in secret storage, demo mode ("auto") is no longer expected.
      await wb.waitForTextGone(DEMO_BANNER);
      const leaks = filesContaining([path.join(session.server.userDataDir, 'logs'), session.server.workspaceDir], 'sk-ant-e2e-round-trip');
      assert.deepEqual(leaks, [], 'the key was written to a log or a workspace file');

      await wb.runCommand('Strategic Analysis: Clear Anthropic API Key');
      await wb.waitForNotification('Anthropic API key cleared.');
      await wb.findText(DEMO_BANNER);
    });
  });

  test('a demo analysis runs to the final document, labelled as demo', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'demo-run', async () => {
      const result = await runToCompletion(wb, {
        problem: 'Should a regional bakery chain open a second production site next year?',
      });
      assert.ok(result.gates.includes('proposal'), `the proposal was not shown (gates: ${result.gates.join(', ')})`);
      assert.ok(result.gates.includes('outline'), `the outline was not shown (gates: ${result.gates.join(', ')})`);
      assert.ok(result.analystTabs.length >= 1, `no analyst document was opened (tabs: ${result.tabs.join(', ')})`);
      const folder = path.join(session.server.workspaceDir, 'analyses');
      const final = await waitFor(
        'the final document on disk',
        () => finalDocuments(folder)[0],
        30_000,
      );
      assert.ok(result.tabs.includes(path.basename(final)), `the final document is not open (tabs: ${result.tabs.join(', ')})`);
      const text = readFileSync(final, 'utf8');
      assert.match(text, /^---\n/, 'the final document has no frontmatter');
      assert.match(text, /demo/i, 'the final document is not labelled as a demo');
      finalDocument = final;
    });
  });

  test('the demo analysis exports to Word from the palette and to slides from the panel', async () => {
    assert.ok(finalDocument, 'the demo run did not produce a document');
    const wb = session.workbench;
    await withArtifacts(wb, 'demo-export', async () => {
      const name = path.basename(finalDocument!);
      const base = finalDocument!.replace(/\.md$/, '');
      await wb.clearNotifications();
      await (await wb.waitForEditorTab(name)).click();
      await wb.runCommand('Strategic Analysis: Export Analysis to Word');
      await wb.waitForNotification(`Exported ${path.basename(base)}.docx.`);
      const docx = await waitFor('the .docx in the workspace', () => (existsSync(`${base}.docx`) ? `${base}.docx` : undefined), 10_000);
      assert.equal(readFileSync(docx).subarray(0, 2).toString('latin1'), 'PK');

      await wb.runCommand('Strategic Analysis: Open Analyses Panel');
      await wb.clickInWebview('button', /^Export key findings to slides: /);
      await wb.waitForNotification(`Exported ${path.basename(base)}.pptx.`);
      const pptx = await waitFor('the .pptx in the workspace', () => (existsSync(`${base}.pptx`) ? `${base}.pptx` : undefined), 10_000);
      assert.ok(readFileSync(pptx).includes(Buffer.from('ppt/slides/slide1.xml', 'latin1')));
    });
  });

  test('the proposal shows the language of the analysis, and the person can change it', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'proposal-language', async () => {
      await startFromPalette(wb, 'Faut-il investir dans une nouvelle usine à Toulouse ?');
      const first = await answerGates(wb, { stopAt: 'proposal', timeoutMs: 90_000 });
      assert.equal(first.ended, 'stopped', `the proposal was not shown: ${JSON.stringify(first)}`);
      const field = await wb.findInWebviews('combobox', 'Language of the analysis');
      assert.equal(await field.inputValue(), 'fr', 'a short French problem is French');
      await wb.findText('Detected from the words of the problem.');
      await field.selectOption('it');
      await wb.clickInWebview('button', 'Apply changes');
      await wb.findText('Chosen by you.', 30_000);
      assert.equal(await (await wb.findInWebviews('combobox', 'Language of the analysis')).inputValue(), 'it');
      const outcome = await answerGates(wb, { timeoutMs: 3 * 60_000 });
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      const final = await waitFor(
        'the final document of the French problem',
        // Demo mode answers with its worked example; the Italian document is this run's.
        () => finalDocuments(path.join(session.server.workspaceDir, 'analyses')).find((f) => /^language: it$/m.test(readFileSync(f, 'utf8'))),
        30_000,
      );
      assert.match(readFileSync(final, 'utf8'), /^language: it$/m);
    });
  });
});
