import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import type { Documents, ModelRequest, WorkflowEvent } from '../../src/core/ports';
import { FileDocuments } from '../../src/documents/fileDocuments';
import { DemoModel } from '../../src/providers/demo';
import { CountingModel, harness, ScriptedReviewer, tempDir } from '../helpers/core';
import { makePdf } from '../helpers/documentFixtures';

const PROBLEM = 'Should we enter the German market for industrial sensors next year?';

/** Counts the documents read, to show that a resume reads none. */
class CountingDocuments implements Documents {
  reads = 0;
  constructor(private readonly inner: Documents) {}
  read(p: string) {
    this.reads++;
    return this.inner.read(p);
  }
  expand(paths: string[], types?: Parameters<Documents['expand']>[1]) {
    return this.inner.expand(paths, types);
  }
  fingerprint(p: string) {
    return this.inner.fingerprint(p);
  }
  formatOf(p: string) {
    return this.inner.formatOf(p);
  }
}

describe('documents in a run: the budget, the run log, resume', () => {
  let root: string;
  before(async () => {
    root = tempDir('sa-docrun-');
    const filler = (seed: string) => Array.from({ length: 40 }, (_, i) => `${seed} filler line ${i} about nothing in particular`);
    const pages = [
      ['Industrial sensors: the German market grew 7% in 2025.', ...filler('a')],
      ['Regulation: customs tariffs and import regulation for sensors.', ...filler('b')],
      ['Canteen menu for the staff party.', ...filler('c')],
      ['Competition: Bosch and Siemens cut sensor prices in Germany.', ...filler('d')],
    ];
    writeFileSync(path.join(root, 'report.pdf'), await makePdf(pages));
    writeFileSync(path.join(root, 'notes.md'), '# Notes\n\nDistributors in Munich ask for a 30% margin on sensors.\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('over the budget: the shared context keeps the relevant passages whole, the run log lists what was left out, analysts get passages for their focus', async () => {
    const requests: ModelRequest[] = [];
    const model = new CountingModel(new DemoModel(), undefined, (req) => void requests.push(req));
    const h = harness({
      model,
      documents: new FileDocuments({ roots: [root] }),
      settings: { contextMaxTokens: 700 },
      reviewer: new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['report.pdf', 'notes.md'], webSearch: false }] }),
    });
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(error, undefined, error?.message);
    const plan = state.contextPlan!;
    assert.equal(plan.budgetTokens, 700);
    assert.ok(plan.availableTokens > 700);
    assert.ok(plan.selectedTokens <= 700 * 0.8);
    assert.ok(plan.leftOut.some((r) => r.label === 'report.pdf, p. 3'), 'the canteen page is left out');
    const report = state.contextDocuments.find((d) => d.path === 'report.pdf')!;
    assert.equal(report.truncated, true);
    assert.ok(report.selected!.includes(1), 'the page on the market is sent');

    // The analysts get the selected passages as a citable document, one block per passage.
    const analystRequest = requests.find((r) => r.step === 'analysts')!;
    const sent = analystRequest.documents!.find((d) => d.title === 'report.pdf')!;
    assert.match(sent.passages[0], /^Industrial sensors: the German market grew 7% in 2025\./);
    assert.ok(sent.passages.every((p) => !/Canteen menu/.test(p)));
    assert.match(sent.context!, /Some of its passages were left out to fit the context budget/);
    assert.doesNotMatch(analystRequest.system.map((b) => b.text).join('\n'), /Canteen menu/);

    const log = await h.store.readRunLog(state.id);
    assert.match(log, /Left out of the shared context \(\d+ passages.*S1\.3 report\.pdf, p\. 3/);

    // Every analyst call stays within the budget: shared passages plus its own.
    const perAnalyst = Object.entries(state.analystPassages);
    assert.ok(perAnalyst.length > 0);
    for (const [id, refs] of perAnalyst) {
      const own = refs.reduce((n, r) => n + state.sources.find((s) => s.id === r.sourceId)!.passages!.find((p) => p.n === r.n)!.tokens, 0);
      assert.ok(plan.selectedTokens + own <= plan.budgetTokens, `${id} stays within the budget`);
    }
  });

  it('a resume reads no document again; a document changed on disk is reported, and the run keeps what it read', async () => {
    const documents = new CountingDocuments(new FileDocuments({ roots: [root] }));
    const events: WorkflowEvent[] = [];
    const h = harness({
      documents,
      onEvent: (e) => events.push(e),
      reviewer: new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: false }], proposal: [{ kind: 'cancel' }, { kind: 'approve' }] }),
    });
    const first = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(first.state.status, 'cancelled');
    assert.equal(documents.reads, 1);
    const readBefore = first.state.sources.find((s) => s.level === 'L0')!.passages!;

    writeFileSync(path.join(root, 'notes.md'), '# Notes\n\nThe margin is now 40%.\n');
    const second = await new Orchestrator(h.deps).resume(first.state.id);
    assert.equal(second.state.status, 'done', second.error?.message);
    assert.equal(documents.reads, 1, 'nothing was read again');
    assert.deepEqual(events.filter((e) => e.type === 'documents-changed'), [{ type: 'documents-changed', paths: ['notes.md'] }]);
    assert.ok(second.state.errors.some((e) => /Changed on disk since the analysis read them: notes\.md/.test(e.message)));
    assert.deepEqual(second.state.sources.find((s) => s.level === 'L0')!.passages, readBefore);
    assert.match(await h.store.readRunLog(first.state.id), /Changed on disk since the analysis read them: notes\.md/);
  });
});
