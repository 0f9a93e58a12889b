import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { FinalFrontmatterSchema } from '../../src/core/checks';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { FileDocuments } from '../../src/documents/fileDocuments';
import { harness, ScriptedReviewer, tempDir } from '../helpers/core';
import { makeDocx, makePdf, makePptx, makeXlsx } from '../helpers/documentFixtures';
import { bundledLibrary, startFakes } from '../helpers/fakeRun';

describe('a full run with a PDF, a Word file, a workbook and a deck as context', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  let root: string;
  before(async () => {
    fakes = await startFakes();
    root = tempDir('sa-docs-run-');
    mkdirSync(path.join(root, 'material'), { recursive: true });
    const put = (rel: string, data: Uint8Array) => writeFileSync(path.join(root, rel), data);
    put('material/annual-report-2025.pdf', await makePdf([['Annual report 2025'], ['Revenue grew 12% to EUR 4.1 billion in 2025.', 'Germany is our largest market for industrial sensors.']]));
    put('material/board-memo.docx', await makeDocx([{ heading: 'Market', paragraphs: ['The German market for industrial sensors is worth EUR 2 billion.'] }]));
    put('material/sales-model.xlsx', await makeXlsx([{ name: 'Plan', rows: [['Year', 'Units'], [2026, 1200], [2027, 1800]] }]));
    put('material/entry-options.pptx', await makePptx([{ title: 'Entry options', text: ['Distributor or own office'], notes: 'Pilot in Bavaria.' }]));
  });
  after(async () => {
    await fakes.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('cites a passage of each with its page, section, cell range and slide, linked to the file', async () => {
    const library = await bundledLibrary();
    const h = harness({
      model: fakes.model,
      search: fakes.search,
      library,
      documents: new FileDocuments({ roots: [root] }),
      reviewer: new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['material'], webSearch: false }] }),
    });
    const outcome = await new Orchestrator(h.deps).start('Should we enter the German market for industrial sensors next year, and how?');
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const s = outcome.state;
    assert.equal(s.status, 'done');

    // The folder gave four documents, read into located passages kept in the state.
    assert.deepEqual(
      s.contextDocuments.map((d) => [d.path, d.format]),
      [
        ['material/annual-report-2025.pdf', 'pdf'],
        ['material/board-memo.docx', 'docx'],
        ['material/entry-options.pptx', 'pptx'],
        ['material/sales-model.xlsx', 'xlsx'],
      ],
    );
    assert.ok(s.contextDocuments.every((d) => /^[0-9a-f]{64}$/.test(d.sha256!) && !d.truncated));
    assert.equal(s.contextPlan!.leftOut.length, 0);

    // The analysts received the passages as citable documents (one block per passage) in the
    // cached prefix, after the system prompt.
    const request = fakes.anthropic.requests.find((r) => r.task?.step === 'analysts')!.body as {
      messages: Array<{ content: Array<{ type: string; title?: string; cache_control?: unknown; source?: { type: string; content: Array<{ text: string }> } }> }>;
    };
    const attached = request.messages[0].content.filter((b) => b.type === 'document');
    assert.deepEqual(
      attached.map((b) => b.title),
      ['material/annual-report-2025.pdf', 'material/board-memo.docx', 'material/entry-options.pptx', 'material/sales-model.xlsx'],
    );
    assert.ok(attached.every((b) => b.source?.type === 'content'));
    assert.equal(attached[0].source!.content[1].text.split('\n')[0], 'Revenue grew 12% to EUR 4.1 billion in 2025.');
    assert.match(attached[3].source!.content[0].text, /^\| Year \| Units \|/);
    assert.ok(attached.at(-1)!.cache_control, 'the documents close the cached prefix');

    // The final document cites a passage of each, and its Sources section says where each stands.
    const doc = h.workspace.files.get(s.finalDocument!.path!)!;
    const { data, body } = parseFrontmatter(doc);
    const fm = FinalFrontmatterSchema.parse(data);
    assert.equal(fm.sources.L0, 4);
    const sources = body.slice(body.indexOf('## Sources'));
    const folder = s.outputFolder.split('/').map(() => '..').join('/');
    for (const entry of [
      `[annual-report-2025.pdf, p. 1](${folder}/material/annual-report-2025.pdf)`,
      `[board-memo.docx, § Market, ¶ 1](${folder}/material/board-memo.docx)`,
      `[sales-model.xlsx, Plan!A2:B3](${folder}/material/sales-model.xlsx)`,
      `[entry-options.pptx, slide 1](${folder}/material/entry-options.pptx)`,
    ]) {
      assert.ok(sources.includes(entry), `the Sources section lists ${entry}:\n${sources}`);
    }
    // Inline citations are numbers that resolve to those entries.
    const numbers = [...body.slice(0, body.indexOf('## Sources')).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    const entries = [...sources.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    assert.ok(numbers.length >= 4);
    for (const n of numbers) assert.ok(entries.includes(n), `[${n}] has a Sources entry`);
    assert.doesNotMatch(body, /\[S\d+(\.\d+)?\]/);
  });
});
