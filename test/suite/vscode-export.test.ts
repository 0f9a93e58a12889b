/**
 * The export commands in the real extension host: an analysis document in the workspace is
 * exported to Word and to slides through the commands, from its file and from the active
 * editor (with an unsaved edit, which the export must read), and the files appear next to it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
const FIXTURE = readFileSync(path.join(ROOT, 'test', 'fixtures', 'export', 'analysis.md'), 'utf8');

interface Outcome {
  file: vscode.Uri;
  bytes: number;
  ms: number;
  warnings: string[];
}

function zipHolds(file: string, part: string): boolean {
  const bytes = readFileSync(file);
  return bytes.subarray(0, 2).toString('latin1') === 'PK' && bytes.includes(Buffer.from(part, 'latin1'));
}

describe('Export commands', function () {
  this.timeout(60_000);
  let doc: vscode.Uri;

  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) this.skip();
    await vscode.extensions.getExtension(`${manifest.publisher}.${manifest.name}`)!.activate();
    const dir = vscode.Uri.joinPath(folder.uri, 'analyses', 'export-check');
    await vscode.workspace.fs.createDirectory(dir);
    doc = vscode.Uri.joinPath(dir, 'Should Verdello enter Germany.md');
    await vscode.workspace.fs.writeFile(doc, new TextEncoder().encode(FIXTURE));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('exports the document to Word and to slides next to it', async () => {
    const word = (await vscode.commands.executeCommand('strategicAnalysis.exportWord', doc)) as Outcome | undefined;
    assert.ok(word, 'the Word export returned nothing');
    assert.deepEqual(word.warnings, []);
    assert.equal(path.basename(word.file.fsPath), 'Should Verdello enter Germany.docx');
    assert.ok(zipHolds(word.file.fsPath, 'word/footnotes.xml'), 'the .docx holds footnotes');
    const slides = (await vscode.commands.executeCommand('strategicAnalysis.exportSlides', doc)) as Outcome | undefined;
    assert.ok(slides, 'the slides export returned nothing');
    assert.equal(path.basename(slides.file.fsPath), 'Should Verdello enter Germany.pptx');
    assert.ok(zipHolds(slides.file.fsPath, 'ppt/slides/slide7.xml'), 'the .pptx has its seven slides');
    const leftovers = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(doc, '..'))).filter(([n]) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'no temporary file is left behind');
  });

  it('exports the active editor as edited, unsaved, with a warning for a citation without a source', async () => {
    for (const ext of ['.docx', '.pptx']) rmSync(doc.fsPath.replace(/\.md$/, ext), { force: true });
    const editor = await vscode.window.showTextDocument(doc);
    const end = editor.document.positionAt(editor.document.getText().indexOf('## Risks'));
    await editor.edit((e) => e.insert(end, 'An unsaved claim with an unknown source [9].\n\n'));
    assert.ok(editor.document.isDirty);
    const word = (await vscode.commands.executeCommand('strategicAnalysis.exportWord')) as Outcome | undefined;
    assert.ok(word, 'the Word export of the active editor returned nothing');
    assert.ok(word.warnings.some((w) => w.includes('[9]')), `warnings: ${word.warnings.join(' | ')}`);
    const xml = readFileSync(word.file.fsPath);
    assert.ok(existsSync(word.file.fsPath) && xml.length > 5000, 'the .docx was written');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
