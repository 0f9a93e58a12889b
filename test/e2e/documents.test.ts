/**
 * UI test in a real VS Code (code-server + Chromium), demo mode: at the sources checkpoint the
 * person adds a folder of real documents (PDF, Word, Excel, PowerPoint) through VS Code's folder
 * picker, sees per document its pages or slides, passages, tokens and fit, and the reason a
 * scanned PDF cannot be used; removes that one; the analysis then cites passages of the others
 * with their page, section, cell range and slide.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openSession, type Session } from '../harness/session';
import { withArtifacts, type Workbench } from '../harness/browser';
import { waitFor } from '../harness/time';
import { answerGates, startFromPalette } from '../harness/flow';
import { chooseInFileDialog, writeMaterial } from '../harness/documents';

/** Waits for the panel to show a document row with its summary. */
async function documentRow(wb: Workbench, text: RegExp): Promise<string> {
  const frame = await wb.webviewFrame('li.document');
  return waitFor(
    `a document row matching ${text}`,
    async () => (await frame.locator('li.document').allTextContents()).find((t) => text.test(t)),
    60_000,
  );
}

describe('context documents in the sources checkpoint', { timeout: 8 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'documents' });
  });

  after(async () => {
    await session?.close();
  });

  test('a folder of PDF, Word, Excel and PowerPoint files: shown per document, one removed, passages cited with their location', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'documents-gate', async () => {
      const folder = await writeMaterial(session.server.workspaceDir);
      await startFromPalette(wb, 'Should we enter the German market for industrial sensors next year?');
      await answerGates(wb, { stopAt: 'sources' });
      await wb.clickInWebview('button', 'Add folder');
      await chooseInFileDialog(wb, folder);

      assert.match(await documentRow(wb, /annual-report\.pdf/), /3 pages · 3 passages · about \d+ tokens.*fits/);
      assert.match(await documentRow(wb, /options\.pptx/), /2 slides · 2 passages/);
      assert.match(await documentRow(wb, /board-memo\.docx/), /1 sections · 1 passages/);
      assert.match(await documentRow(wb, /plan\.xlsx/), /1 sheets · 1 passages/);
      assert.match(await documentRow(wb, /scan\.pdf/), /scan\.pdf has no text to read/);
      await wb.findText(/tokens of the context budget: every passage is sent/);

      await wb.clickInWebview('button', 'Remove scan.pdf');
      await wb.waitForTextGone(/scan\.pdf has no text/);
      const outcome = await answerGates(wb);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));

      const analyses = path.join(session.server.workspaceDir, 'analyses');
      const final = await waitFor(
        'the final document',
        () => {
          for (const dir of readdirSync(analyses)) {
            const file = readdirSync(path.join(analyses, dir)).find((f) => f.endsWith('.md') && !f.startsWith('analyst-'));
            if (file) return path.join(analyses, dir, file);
          }
          return undefined;
        },
        30_000,
      );
      const text = readFileSync(final, 'utf8');
      for (const entry of ['annual-report.pdf, p. 1](../../material/annual-report.pdf)', 'board-memo.docx, § Market, ¶ 1]', 'plan.xlsx, Plan!A2:B2]', 'options.pptx, slide 1]']) {
        assert.ok(text.includes(entry), `the final document cites ${entry}`);
      }
    });
  });
});
