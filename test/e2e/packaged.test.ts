/**
 * The packaged extension, as a user installs it: the current build is packed into a .vsix
 * (which ships dist/ only), installed into code-server, and a folder of PDF, Word, Excel and
 * PowerPoint files is read at the sources checkpoint — so the readers, each a lazy chunk in
 * dist/lazy/, load from the installed extension and not from node_modules. A demo analysis run in
 * the installed extension is then exported to Word and to slides (the export chunks are lazy too).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { openSession, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { waitFor } from '../harness/time';
import { answerGates, CANCELLED_NOTIFICATION, finalDocuments, runToCompletion, startFromPalette } from '../harness/flow';
import { REPO_ROOT } from '../helpers/fakeRun';
import { chooseInFileDialog, writeMaterial } from '../harness/documents';

const LAZY_CHUNKS = ['documents', 'pdfReader', 'wordReader', 'sheetsReader', 'slidesReader', 'search', 'docx', 'pptx'];

describe('the packaged extension reads documents and exports', { timeout: 8 * 60_000 }, () => {
  let session: Session | undefined;
  let dir: string;
  let vsix: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sa-vsix-'));
    vsix = path.join(dir, 'strategic-analysis.vsix');
    const packed = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 },
    );
    assert.equal(packed.status, 0, `vsce package failed:\n${packed.stdout}\n${packed.stderr}`);
  });

  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the .vsix holds every lazy chunk and no node_modules', async () => {
    const zip = await JSZip.loadAsync(readFileSync(vsix));
    const names = Object.keys(zip.files);
    for (const chunk of LAZY_CHUNKS) assert.ok(names.includes(`extension/dist/lazy/${chunk}.js`), `dist/lazy/${chunk}.js is packaged`);
    assert.ok(names.includes('extension/dist/extension.js'));
    assert.ok(!names.some((n) => n.includes('node_modules/')), 'no node_modules in the package');
  });

  test('installed in code-server, it reads a folder of PDF, Word, Excel and PowerPoint files', async () => {
    session = await openSession({ name: 'packaged', vsix });
    const wb = session.workbench;
    await withArtifacts(wb, 'packaged-documents', async () => {
      const folder = await writeMaterial(session!.server.workspaceDir);
      await startFromPalette(wb, 'Should we enter the German market for industrial sensors next year?');
      await answerGates(wb, { stopAt: 'sources' });
      await wb.clickInWebview('button', 'Add folder');
      await chooseInFileDialog(wb, folder);
      const frame = await wb.webviewFrame('li.document');
      const rows = await waitFor(
        'the documents read',
        async () => {
          const texts = await frame.locator('li.document').allTextContents();
          return texts.length >= 5 && !texts.some((t) => /Reading/.test(t)) ? texts : undefined;
        },
        90_000,
      );
      const row = (name: string) => rows.find((t) => t.includes(name)) ?? '';
      assert.match(row('annual-report.pdf'), /3 pages · 3 passages · about \d+ tokens/);
      assert.match(row('board-memo.docx'), /1 passages/);
      assert.match(row('plan.xlsx'), /1 sheets · 1 passages/);
      assert.match(row('options.pptx'), /2 slides · 2 passages/);
      assert.match(row('scan.pdf'), /has no text to read/);
      await wb.clickInWebview('button', 'Cancel analysis');
      await wb.waitForNotification(CANCELLED_NOTIFICATION, 30_000);
    });
  });

  test('installed, a finished analysis exports to Word and to slides', async () => {
    assert.ok(session, 'the packaged extension was not installed');
    const wb = session.workbench;
    await withArtifacts(wb, 'packaged-export', async () => {
      await wb.clearNotifications();
      await runToCompletion(wb, { problem: 'Should a regional bakery chain open a second production site next year?' });
      const final = await waitFor('the final document', () => finalDocuments(path.join(session!.server.workspaceDir, 'analyses'))[0], 30_000);
      const base = final.replace(/\.md$/, '');
      await wb.clearNotifications();
      await (await wb.waitForEditorTab(path.basename(final))).click();
      await wb.runCommand('Strategic Analysis: Export Analysis to Word');
      await wb.waitForNotification(`Exported ${path.basename(base)}.docx.`, 60_000);
      const docx = await JSZip.loadAsync(readFileSync(`${base}.docx`));
      assert.ok(docx.file('word/document.xml'), 'the .docx has no document part');
      assert.ok(docx.file('word/footnotes.xml'), 'the .docx has no footnotes part');

      await (await wb.waitForEditorTab(path.basename(final))).click();
      await wb.runCommand('Strategic Analysis: Export Key Findings to Slides');
      await wb.waitForNotification(`Exported ${path.basename(base)}.pptx.`, 60_000);
      assert.ok(existsSync(`${base}.pptx`));
      const pptx = await JSZip.loadAsync(readFileSync(`${base}.pptx`));
      assert.ok(pptx.file('ppt/slides/slide1.xml'), 'the .pptx has no first slide');
    });
  });
});
