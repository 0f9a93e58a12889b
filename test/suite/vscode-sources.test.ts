/**
 * The sources gate in the real extension host: a folder of real documents (PDF, Word, Excel,
 * PowerPoint) is chosen through the folder picker, filtered by type, read by the core's preview,
 * shown per document with its pages, passages, tokens and fit; one is removed again; over the
 * budget, what is left out is listed.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { RunContext } from '../../src/core/context';
import type { Reviewer, SourceChoice } from '../../src/core/ports';
import { createState } from '../../src/core/state';
import { contextBudget, previewChoice } from '../../src/core/steps/sources';
import { FileDocuments } from '../../src/documents/fileDocuments';
import { DemoModel } from '../../src/providers/demo';
import type { Gate, SourcesGate } from '../../src/shared/protocol';
import { PanelReviewer } from '../../src/vscode/reviewer';
import { harness } from '../helpers/core';
import { makeDocx, makeImageOnlyPdf, makePdf, makePptx, makeXlsx } from '../helpers/documentFixtures';

describe('Sources gate with real documents', () => {
  let dir: string;
  const realOpen = vscode.window.showOpenDialog;
  let nextPick: vscode.Uri[] | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sa-gate-'));
    const m = path.join(dir, 'material');
    mkdirSync(m, { recursive: true });
    writeFileSync(path.join(m, 'report.pdf'), await makePdf([['Sensors market 2025'], ['Germany grows 7%'], ['Outlook for sensors']]));
    writeFileSync(path.join(m, 'scan.pdf'), await makeImageOnlyPdf());
    writeFileSync(path.join(m, 'memo.docx'), await makeDocx([{ heading: 'Market', paragraphs: ['Sensors in Germany.'] }]));
    writeFileSync(path.join(m, 'model.xlsx'), await makeXlsx([{ name: 'Plan', rows: [['Year', 'Units'], [2026, 10]] }]));
    writeFileSync(path.join(m, 'deck.pptx'), await makePptx([{ title: 'Options', text: ['Distributor'] }, { title: 'Plan', text: ['Pilot'] }]));
    writeFileSync(path.join(m, 'photo.png'), 'not a document');
    symlinkSync(m, path.join(m, 'again'));
    (vscode.window as { showOpenDialog: typeof realOpen }).showOpenDialog = async () => nextPick;
  });
  after(() => {
    (vscode.window as { showOpenDialog: typeof realOpen }).showOpenDialog = realOpen;
    rmSync(dir, { recursive: true, force: true });
  });

  function setUp(contextMaxTokens = 0) {
    const h = harness({ model: new DemoModel(), documents: new FileDocuments({ roots: [dir] }), settings: { contextMaxTokens } });
    const ctx = new RunContext(createState({ id: 'gate-test', problem: 'Should we sell sensors in Germany?', now: new Date() }), h.deps, undefined);
    const shown: Array<Gate | null> = [];
    const reviewer = new PanelReviewer({ showGate: (g) => shown.push(g ? (JSON.parse(JSON.stringify(g)) as Gate) : null), defaultFolder: () => vscode.Uri.file(dir) });
    const answer = (reviewer as Reviewer).chooseSources(
      { need: 'medium', rationale: '', webSearchAvailable: false, language: 'en', budgetTokens: contextBudget(ctx), preview: (c) => previewChoice(ctx, c) },
      ctx.state,
    );
    const gate = () => shown.filter((g): g is SourcesGate => g?.kind === 'sources').at(-1)!;
    return { reviewer, answer, gate, shown };
  }

  it('adds a folder: every document with its pages, passages, tokens and fit; problems and skipped links named', async () => {
    const { reviewer, answer, gate } = setUp();
    nextPick = [vscode.Uri.file(path.join(dir, 'material'))];
    assert.equal(await reviewer.handle({ type: 'pick-context-folder', gateId: gate().gateId }), true);
    const g = gate();
    assert.equal(g.reading, false);
    const byName = new Map(g.documents.map((d) => [d.title, d]));
    assert.deepEqual([...byName.keys()].sort(), ['again', 'deck.pptx', 'memo.docx', 'model.xlsx', 'report.pdf', 'scan.pdf']);
    assert.deepEqual(
      ['report.pdf', 'deck.pptx', 'memo.docx', 'model.xlsx'].map((n) => {
        const d = byName.get(n)!;
        return [n, d.format, d.units, d.passages, d.fits, d.tokens > 0, d.problem];
      }),
      [
        ['report.pdf', 'pdf', 3, 3, 'all', true, undefined],
        ['deck.pptx', 'pptx', 2, 2, 'all', true, undefined],
        ['memo.docx', 'docx', 1, 1, 'all', true, undefined],
        ['model.xlsx', 'xlsx', 1, 1, 'all', true, undefined],
      ],
    );
    assert.match(byName.get('scan.pdf')!.problem!, /scan\.pdf has no text to read/);
    assert.equal(byName.get('again')!.skipped, true);
    assert.match(byName.get('again')!.problem!, /symbolic-link loop/);
    assert.equal(g.availableTokens, g.selectedTokens);
    // The skipped link is not chosen; the folder became its documents.
    assert.deepEqual([...g.contextFiles].sort(), ['material/deck.pptx', 'material/memo.docx', 'material/model.xlsx', 'material/report.pdf', 'material/scan.pdf']);

    // Remove the unreadable one again, then continue.
    await reviewer.handle({ type: 'remove-context-file', gateId: g.gateId, path: 'material/scan.pdf' });
    assert.ok(!gate().documents.some((d) => d.title === 'scan.pdf'));
    await reviewer.handle({ type: 'answer', gate: 'sources', gateId: g.gateId, answer: { kind: 'choose', webSearch: false } });
    const choice = (await answer) as Extract<SourceChoice, { kind: 'choose' }>;
    assert.deepEqual([...choice.contextFiles].sort(), ['material/deck.pptx', 'material/memo.docx', 'material/model.xlsx', 'material/report.pdf']);
  });

  it('takes only the checked types from a folder', async () => {
    const { reviewer, gate } = setUp();
    await reviewer.handle({ type: 'set-document-types', gateId: gate().gateId, types: ['pdf', 'slides'] });
    assert.deepEqual(gate().types, ['pdf', 'slides']);
    nextPick = [vscode.Uri.file(path.join(dir, 'material'))];
    await reviewer.handle({ type: 'pick-context-folder', gateId: gate().gateId });
    assert.deepEqual(gate().documents.filter((d) => !d.skipped).map((d) => d.title).sort(), ['deck.pptx', 'report.pdf', 'scan.pdf']);
    reviewer.cancel();
  });

  it('over the budget: shows which passages are left out of each document', async () => {
    const { reviewer, gate } = setUp(60);
    nextPick = [vscode.Uri.file(path.join(dir, 'material', 'report.pdf')), vscode.Uri.file(path.join(dir, 'material', 'deck.pptx'))];
    await reviewer.handle({ type: 'pick-context-files', gateId: gate().gateId });
    const g = gate();
    assert.equal(g.budgetTokens, 60);
    assert.ok(g.availableTokens > g.budgetTokens);
    assert.ok(g.selectedTokens <= g.budgetTokens);
    const left = g.documents.flatMap((d) => d.leftOut);
    assert.ok(left.length > 0);
    assert.ok(g.documents.some((d) => d.fits !== 'all'));
    assert.ok(left.every((l) => /^(p\. \d|slide \d)/.test(l)), left.join(', '));
    reviewer.cancel();
  });
});
