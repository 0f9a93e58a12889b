/**
 * The packaged extension, as a user installs it: the current build is packed into a .vsix
 * (which ships dist/ only), installed into code-server, and a folder of PDF, Word, Excel and
 * PowerPoint files is read at the sources checkpoint — so the readers, each a lazy chunk in
 * dist/lazy/, load from the installed extension and not from node_modules.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { openSession, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { waitFor } from '../harness/time';
import { answerGates, startFromPalette } from '../harness/flow';
import { REPO_ROOT } from '../helpers/fakeRun';
import { chooseInFileDialog, writeMaterial } from '../harness/documents';

const LAZY_CHUNKS = ['documents', 'pdfReader', 'wordReader', 'sheetsReader', 'slidesReader', 'search'];

describe('the packaged extension reads documents', { timeout: 8 * 60_000 }, () => {
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
    });
  });
});
