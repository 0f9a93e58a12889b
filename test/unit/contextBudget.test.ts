import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextBudgetFor, planContext, selectForAnalyst, SHARED_SHARE } from '../../src/core/contextBudget';
import { citationLabel, makePassage, textPassages, type Passage } from '../../src/core/passages';
import { numberCitations } from '../../src/core/provenance';
import { webPassages } from '../../src/core/steps/citations';
import type { Source } from '../../src/core/state';

const page = (n: number, text: string, path = 'report.pdf'): Passage => makePassage(n, text, { kind: 'page', path, page: n });
const filler = (words: number, seed: string) => Array.from({ length: words }, (_, i) => `${seed}${i % 13}`).join(' ');

describe('the context budget', () => {
  it('defaults to a share of the model’s context window; a setting above zero wins', () => {
    assert.equal(contextBudgetFor('claude-sonnet-5-5', 0), 80_000);
    assert.equal(contextBudgetFor('some-local-model', 0), 51_200);
    assert.equal(contextBudgetFor('claude-sonnet-5-5', 12_345), 12_345);
  });

  it('sends every passage when the documents fit', async () => {
    const docs = [{ sourceId: 'S1', passages: [page(1, 'alpha'), page(2, 'beta')] }];
    const { selected, plan } = await planContext(docs, 1000, 'anything');
    assert.deepEqual(selected, { S1: [1, 2] });
    assert.equal(plan.leftOut.length, 0);
    assert.equal(plan.selectedTokens, plan.availableTokens);
    assert.equal(plan.analystTokens, 0);
  });

  it('over budget: keeps whole passages most relevant to the problem, in document order, and lists what was left out', async () => {
    const passages = [
      page(1, filler(300, 'boiler')),
      page(2, `The German market for industrial sensors grew 7% in 2025. ${filler(250, 'plate')}`),
      page(3, filler(300, 'lorem')),
      page(4, `Sensors: distributors in Germany ask for a 30% margin. ${filler(250, 'ipsum')}`),
      page(5, filler(300, 'dolor')),
    ];
    const budget = Math.ceil((passages[1].tokens + passages[3].tokens + 10) / SHARED_SHARE);
    const { selected, plan } = await planContext([{ sourceId: 'S1', passages }], budget, 'Should we enter the German market for industrial sensors?');
    assert.deepEqual(selected.S1, [2, 4]);
    assert.equal(plan.selectedTokens, passages[1].tokens + passages[3].tokens);
    assert.ok(plan.selectedTokens <= budget);
    assert.deepEqual(plan.leftOut.map((r) => [r.sourceId, r.n, r.label]), [
      ['S1', 1, 'report.pdf, p. 1'],
      ['S1', 3, 'report.pdf, p. 3'],
      ['S1', 5, 'report.pdf, p. 5'],
    ]);
    assert.equal(plan.analystTokens, budget - plan.selectedTokens);
  });

  it('never cuts a passage: one too large is left out and smaller ones after it still fit', async () => {
    const big = page(1, `sensors ${filler(2000, 'x')}`);
    const small = page(2, 'sensors in Germany');
    const { selected } = await planContext([{ sourceId: 'S1', passages: [big, small] }], Math.ceil((small.tokens + 5) / SHARED_SHARE), 'sensors');
    assert.deepEqual(selected.S1, [2]);
  });

  it('gives each analyst the left-out passages that match its focus, within what the budget kept', async () => {
    const passages = [page(1, 'Market size of sensors in Germany.'), page(2, 'Tariffs and customs regulation for imports.'), page(3, 'Competitor Bosch cuts prices.')];
    const shared = { S1: [1] };
    const picked = await selectForAnalyst([{ sourceId: 'S1', passages }], shared, 1000, 'regulatory analyst: regulation, tariffs, customs');
    assert.deepEqual(picked, [{ sourceId: 'S1', n: 2 }]);
    assert.deepEqual(await selectForAnalyst([{ sourceId: 'S1', passages }], shared, 5, 'regulation'), []);
  });
});

describe('located passages of text and their provenance in the document', () => {
  it('splits long text at paragraph and line ends, never over the passage limit', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1}. ${filler(80, 'word')}`).join('\n\n');
    const passages = textPassages(text, 'long.txt');
    assert.ok(passages.length > 5);
    assert.ok(passages.every((p) => p.text.length <= 4000));
    for (let i = 1; i < passages.length; i++) {
      const a = passages[i - 1].location as { endLine: number };
      const b = passages[i].location as { startLine: number };
      assert.ok(b.startLine > a.endLine, 'line ranges follow each other');
    }
    assert.equal(passages.map((p) => p.text).join('\n\n'), text);
  });

  it('a web result becomes passages located by its URL, title and date', () => {
    const withHighlights = webPassages({ url: 'https://example.org/a', title: 'Market study', publishedDate: '2026-03-01', highlights: ['Sensors grew 7%.', ' ', 'Prices fell.'] });
    assert.deepEqual(
      withHighlights.map((p) => [p.n, p.text, p.location]),
      [
        [1, 'Sensors grew 7%.', { kind: 'web', url: 'https://example.org/a', title: 'Market study', publishedDate: '2026-03-01' }],
        [2, 'Prices fell.', { kind: 'web', url: 'https://example.org/a', title: 'Market study', publishedDate: '2026-03-01' }],
      ],
    );
    const fromText = webPassages({ url: 'https://example.org/b', title: '', highlights: [], text: 'One.\n\nTwo.' });
    assert.deepEqual(fromText.map((p) => p.text), ['One.\n\nTwo.']);
    assert.equal(citationLabel(fromText[0].location), 'https://example.org/b');
    assert.deepEqual(webPassages({ url: 'https://example.org/c', title: 'x', highlights: [] }), []);
  });

  it('numbers cited passages and sources, and links the Sources entries to the files', () => {
    const registry: Source[] = [
      { id: 'S1', level: 'L0', title: 'annual report.pdf', documentRef: 'docs/annual report.pdf', passages: [page(1, 'a', 'docs/annual report.pdf'), page(14, 'b', 'docs/annual report.pdf')] },
      { id: 'S2', level: 'L0', title: 'notes.md', documentRef: 'notes.md', passages: textPassages('# Notes\n\ntext\n\n## More\n\nmore', 'notes.md', 'markdown') },
      { id: 'S3', level: 'L2', title: 'Web', url: 'https://example.org/a' },
    ];
    registry[0].passages![1].n = 2;
    const out = numberCitations('Revenue grew [S1.2]. Notes say so [S2.2][S3]. Again [S1.2]. Whole [S1].', registry, 'en', 'analyses/2026-11-22-entry');
    assert.equal(out.body, 'Revenue grew [1]. Notes say so [2][[3]](https://example.org/a). Again [1]. Whole [4].');
    assert.equal(
      out.sourcesSection,
      [
        '## Sources',
        '',
        '1. [annual report.pdf, p. 14](../../docs/annual%20report.pdf) — context document',
        '2. [notes.md, lines 5–7](../../notes.md#L5) — context document',
        '3. Web <https://example.org/a> — web search',
        '4. [docs/annual report.pdf](../../docs/annual%20report.pdf) — context document',
        '',
      ].join('\n'),
    );
    assert.deepEqual(out.cited.map((s) => s.id), ['S1', 'S2', 'S3']);
    assert.equal(citationLabel(registry[1].passages![1].location), 'notes.md, lines 5–7');
  });
});
