/**
 * The person's documents in the UI tests: a folder of real PDF, Word, Excel and PowerPoint files
 * (and a scanned PDF without text) written into the test workspace, and choosing a folder in
 * VS Code's own file dialog.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDocx, makeImageOnlyPdf, makePdf, makePptx, makeXlsx } from '../helpers/documentFixtures';
import type { Workbench } from './browser';

/** Writes the material folder into the workspace of the session. */
export async function writeMaterial(workspaceDir: string): Promise<string> {
  const folder = path.join(workspaceDir, 'material');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'annual-report.pdf'), await makePdf([['Annual report 2025'], ['Revenue grew 12% in Germany.'], ['Outlook']]));
  writeFileSync(path.join(folder, 'scan.pdf'), await makeImageOnlyPdf());
  writeFileSync(path.join(folder, 'board-memo.docx'), await makeDocx([{ heading: 'Market', paragraphs: ['Sensors sell well in Bavaria.'] }]));
  writeFileSync(path.join(folder, 'plan.xlsx'), await makeXlsx([{ name: 'Plan', rows: [['Year', 'Units'], [2026, 1200]] }]));
  writeFileSync(path.join(folder, 'options.pptx'), await makePptx([{ title: 'Options', text: ['Distributor'] }, { title: 'Pilot', text: ['Bavaria first'] }]));
  return folder;
}

/**
 * In VS Code's own file dialog (the simple one code-server uses), opens `folder` (or picks a file) and accepts it.
 * The dialog fills in its start folder a moment after it opens: the path is typed again until
 * it stays, then the accept button (labelled "Add") is clicked until the dialog closes.
 */
export async function chooseInFileDialog(wb: Workbench, folder: string, kind: 'folder' | 'file' = 'folder'): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  const wanted = kind === 'folder' ? `${folder}/` : folder;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await input.isVisible().catch(() => false))) return;
    if ((await input.inputValue().catch(() => '')) !== wanted) await input.fill(wanted);
    await wb.page.waitForTimeout(500);
    if ((await input.inputValue().catch(() => '')) !== wanted) continue;
    await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^Add$/ }).first().click({ timeout: 5_000 }).catch(() => undefined);
    if (await input.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) return;
  }
  throw new Error(`The file dialog did not accept ${folder}`);
}

