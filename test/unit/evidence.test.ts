/**
 * The evidence checker and the verification of sources named by analysts: every citation is
 * resolved among the documents sent and its quote found in the cited passage, or dropped with
 * its reason; a named source is verified only when its page exists and holds the quote.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext } from '../../src/core/context';
import { checkCitations, holdsQuote, looseText, normalizeSpace } from '../../src/core/evidence';
import type { AnswerBlock, CitableDocument, ModelCitation, PageContent, PageFailure, WebSearch } from '../../src/core/ports';
import { createState } from '../../src/core/state';
import { verifyNamedSources } from '../../src/core/verifySources';
import { harness } from '../helpers/core';

const SENT: CitableDocument[] = [
  { kind: 'document', sourceId: 'S1', title: 'notes.md', passages: ['Demand grew by 12%\nin Bavaria.', 'Prices fell by 4%.'] },
  { kind: 'search_result', sourceId: 'S4', title: 'Report', url: 'https://r.example/a', passages: ['The market was worth EUR 3.1 billion.'] },
  { kind: 'document', sourceId: 'S2', title: 'plan.md', passages: ['We plan two hires.'] },
];

const cite = (c: Partial<ModelCitation>): ModelCitation => ({
  type: 'content_block_location',
  citedText: 'Demand grew by 12%',
  index: 0,
  start: 0,
  end: 1,
  ...c,
});

describe('evidence checker', () => {
  it('keeps a citation whose quote is in the cited passage, with the span of the answer it supports', () => {
    const blocks: AnswerBlock[] = [
      { text: 'Intro. ', citations: [] },
      { text: 'Demand is up', citations: [cite({ citedText: 'Demand grew by 12% in Bavaria.' })] },
      { text: ' in a large market', citations: [cite({ type: 'search_result_location', index: 0, citedText: 'EUR 3.1 billion', source: 'https://r.example/a' })] },
      { text: ' and hires are planned.', citations: [cite({ index: 1, citedText: 'two hires' })] },
    ];
    const { records, dropped } = checkCitations(SENT, blocks);
    assert.deepEqual(dropped, []);
    assert.deepEqual(records[0], { sourceId: 'S1', passage: 1, passageEnd: 1, citedText: 'Demand grew by 12% in Bavaria.', span: { start: 7, end: 19 } });
    assert.equal(records[1].sourceId, 'S4');
    // Documents and search results are numbered separately: document 1 is plan.md.
    assert.equal(records[2].sourceId, 'S2');
  });

  it('drops an out-of-range block index, a quote not in the passage, an unsent document, and unknown types', () => {
    const blocks: AnswerBlock[] = [
      {
        text: 'A claim.',
        citations: [
          cite({ start: 2, end: 3 }),
          cite({ start: 1, end: 1 }),
          cite({ citedText: 'Demand grew by 40%' }),
          cite({ index: 7 }),
          cite({ type: 'search_result_location', index: 3 }),
          cite({ type: 'search_result_location', index: 0, citedText: 'EUR 3.1 billion', source: 'https://other.example/' }),
          cite({ type: 'web_search_result_location', index: null }),
          cite({ citedText: '   ' }),
          cite({ index: null }),
        ],
      },
    ];
    const { records, dropped } = checkCitations(SENT, blocks);
    assert.equal(records.length, 0);
    assert.equal(dropped.length, 9);
    assert.match(dropped[0].reason, /passage range 2–3 is outside "notes.md" \(2 passages\)/);
    assert.match(dropped[2].reason, /not in the cited passage/);
    assert.match(dropped[3].reason, /document 7, which was not sent \(2 sent\)/);
    assert.match(dropped[4].reason, /search result 3, which was not sent/);
    assert.match(dropped[5].reason, /not the search result sent/);
    assert.match(dropped[6].reason, /type web_search_result_location/);
    assert.match(dropped[7].reason, /quotes no text/);
    assert.equal(dropped[0].claim, 'A claim.');
  });

  it('checks a quote across several passages and a char_location over the passages read in a row', () => {
    const multi = checkCitations(SENT, [{ text: 'x', citations: [cite({ end: 2, citedText: 'in Bavaria. Prices fell' })] }]);
    assert.deepEqual([multi.records[0].passage, multi.records[0].passageEnd], [1, 2]);
    const start = SENT[0].passages[0].length;
    const chars = checkCitations(SENT, [
      { text: 'y', citations: [cite({ type: 'char_location', start, end: start + 11, citedText: 'Prices fell' })] },
    ]);
    assert.equal(chars.records[0].passage, 2);
    const outside = checkCitations(SENT, [{ text: 'y', citations: [cite({ type: 'char_location', start: 0, end: 999 })] }]);
    assert.match(outside.dropped[0].reason, /character range/);
  });

  it('keeps a citation repeated on the same span once', () => {
    const { records } = checkCitations(SENT, [{ text: 'x', citations: [cite({}), cite({})] }]);
    assert.equal(records.length, 1);
  });

  it('normalizes whitespace for citations, and case and punctuation for quotes from memory', () => {
    assert.equal(normalizeSpace(' a \n\t b '), 'a b');
    assert.equal(looseText('L’Économie, “en” 2025!'), 'l economie en 2025');
    assert.ok(holdsQuote('The market — grew by 7.5% in 2025.', 'the market grew by 7 5 in 2025'));
    assert.ok(!holdsQuote('The market grew.', 'market shrank'));
    // Too short to mean anything.
    assert.ok(!holdsQuote('Yes it is.', 'is'));
  });
});

class FakeContents implements WebSearch {
  calls: string[][] = [];
  constructor(
    private readonly pages: Record<string, PageContent>,
    private readonly fail: Record<string, PageFailure> = {},
    private readonly throwFor = new Set<string>(),
  ) {}
  async search() {
    return { results: [] };
  }
  async contents(urls: string[]) {
    this.calls.push(urls);
    if (urls.some((u) => this.throwFor.has(u))) throw new Error('The Exa API did not answer within 20 s.');
    return {
      pages: urls.filter((u) => this.pages[u]).map((u) => this.pages[u]),
      failures: urls.filter((u) => this.fail[u]).map((u) => this.fail[u]),
      costUsd: 0.001 * urls.filter((u) => this.pages[u]).length,
    };
  }
}

function context(search: WebSearch, settings: Record<string, unknown> = {}, webSearchAllowed = true) {
  const h = harness({ search, settings: settings as never });
  const state = createState({ id: 'run-1', problem: 'Enter Germany?', now: new Date('2026-11-22T10:00:00Z') });
  state.webSearchAllowed = webSearchAllowed;
  return new RunContext(state, h.deps, undefined);
}

describe('verification of sources named by analysts', () => {
  const page = (url: string, text: string): PageContent => ({ url, title: `Page ${url}`, text });
  const pages = {
    'https://a.example/ok': page('https://a.example/ok', 'The German sensor market grew by 7.5% in 2025, to EUR 3.1 billion.'),
    'https://a.example/other': page('https://a.example/other', 'Nothing about sensors here.'),
  };

  it('verifies a source whose page holds the quote; marks the others unverified with the reason', async () => {
    const search = new FakeContents(pages, { 'https://a.example/gone': { url: 'https://a.example/gone', reason: 'CRAWL_NOT_FOUND', httpStatus: 404 } }, new Set(['https://a.example/hang']));
    const ctx = context(search);
    const checks = await verifyNamedSources(ctx, [
      { title: 'OK', url: 'https://a.example/ok', quote: 'sensor market grew by 7.5 % in 2025' },
      { title: 'Other', url: 'https://a.example/other', quote: 'the sensor market grew' },
      { title: 'Gone', url: 'https://a.example/gone', quote: 'a quote of a page that does not exist' },
      { title: 'Hang', url: 'https://a.example/hang', quote: 'a quote of a page that hangs' },
      { title: 'No quote', url: 'https://a.example/ok' },
      { title: 'No URL', quote: 'some words to check' },
      { title: 'Script', url: 'javascript:alert(1)', quote: 'some words to check' },
    ]);
    assert.deepEqual(
      checks.map((c) => c.verification.status),
      ['verified', 'unverified', 'unverified', 'unverified', 'unverified', 'unverified', 'unverified'],
    );
    assert.match(checks[1].verification.reason, /does not contain the quote/);
    assert.match(checks[2].verification.reason, /does not exist \(CRAWL_NOT_FOUND \(404\)\)/);
    assert.match(checks[3].verification.reason, /could not be fetched .*did not answer/);
    assert.match(checks[4].verification.reason, /no quote/);
    assert.match(checks[5].verification.reason, /no URL/);
    assert.match(checks[6].verification.reason, /not a web address/);
    // One lookup per URL, saved with its cost.
    assert.equal(search.calls.length, 4);
    assert.equal(ctx.state.pageLookups.length, 4);
    assert.equal(ctx.state.pageLookups.find((p) => p.url === 'https://a.example/ok')!.costUsd, 0.001);
  });

  it('looks a URL up once per run, also when parallel analysts name it, and not again on resume', async () => {
    const search = new FakeContents(pages);
    const ctx = context(search);
    const src = { title: 'OK', url: 'https://a.example/ok', quote: 'grew by 7.5% in 2025' };
    const [a, b] = await Promise.all([verifyNamedSources(ctx, [src]), verifyNamedSources(ctx, [src])]);
    assert.equal(a[0].verification.status, 'verified');
    assert.equal(b[0].verification.status, 'verified');
    assert.equal(search.calls.length, 1);
    const resumed = new RunContext(ctx.state, harness({ search }).deps, undefined);
    await verifyNamedSources(resumed, [src]);
    assert.equal(search.calls.length, 1);
  });

  it('stops at the lookup budget, and makes no lookup when web search is not allowed', async () => {
    const search = new FakeContents(pages);
    const ctx = context(search, { maxSourceLookups: 1 });
    const checks = await verifyNamedSources(ctx, [
      { title: 'OK', url: 'https://a.example/ok', quote: 'grew by 7.5% in 2025' },
      { title: 'Other', url: 'https://a.example/other', quote: 'nothing about sensors' },
    ]);
    assert.equal(checks[0].verification.status, 'verified');
    assert.match(checks[1].verification.reason, /lookup budget \(1 per analysis\)/);
    const off = context(search, {}, false);
    const none = await verifyNamedSources(off, [{ title: 'OK', url: 'https://a.example/ok', quote: 'grew by 7.5% in 2025' }]);
    assert.match(none[0].verification.reason, /web lookups are off/);
    assert.equal(search.calls.length, 1);
  });
});

describe('the Sources section as written, read back by the exports', () => {
  it('reads an entry with its anchor, level, status and quotes with their locations', async () => {
    const { parseSourceEntry } = await import('../../src/core/sourcesSection');
    const entry = parseSourceEntry(
      '1. <a id="source-1"></a>**notes \\(draft\\).md** — context document · verified\n' +
        '   - “Demand grew by 12%.” — [notes.md, line 3](../../docs/notes.md#L3)',
      1,
    )!;
    assert.equal(entry.number, 1);
    assert.equal(entry.title, 'notes (draft).md');
    assert.equal(entry.level, 'L0');
    assert.deepEqual(entry.passages, [{ text: 'Demand grew by 12%.', location: 'notes.md, line 3' }]);
    const web = parseSourceEntry('2. <a id="source-2"></a>**Report** (2025-03-01) — web search · verified — <https://r.example/a>', 2)!;
    assert.deepEqual([web.title, web.url, web.date, web.level], ['Report', 'https://r.example/a', '2025-03-01', 'L2']);
    const l1 = parseSourceEntry('3. <a id="source-3"></a>**From memory** — named by the market analyst · **unverified**: the page does not exist', 3)!;
    assert.equal(l1.level, 'L1');
    assert.equal(l1.title, 'From memory');
  });
});

describe('the evidence gate of the full text', () => {
  const registry = [
    { id: 'S1', level: 'L0' as const, title: 'notes.md', documentRef: 'notes.md' },
    { id: 'S2', level: 'L1' as const, title: 'Memory', analyst: 'market', verification: { status: 'unverified' as const, reason: 'no URL was given' } },
    {
      id: 'S3',
      level: 'L1' as const,
      title: 'Checked page',
      url: 'https://p.example/a',
      analyst: 'market',
      verification: { status: 'verified' as const, reason: '', quote: 'the market grew by 7.5%' },
    },
  ];
  const state = {
    contextDocuments: [],
    pageLookups: [{ url: 'https://p.example/a', at: '', outcome: 'found' as const, reason: '', text: 'In 2025 the market grew by 7.5% overall.', durationMs: 0, costUsd: 0 }],
  };
  const base = { registry, quotable: new Set(['S1', 'S3']), unverifiedAllowed: new Set(['S2']), factual: true };

  it('keeps checked spans, marks unverified ids, backs a verified page by its quote, removes unbacked ids', async () => {
    const { gateFullTextEvidence } = await import('../../src/core/evidenceGate');
    const text = 'Demand is up [S1]. Prices fell [S1]. Some say so [S2]. The market grew [S3].';
    const records = [{ sourceId: 'S1', passage: 1, passageEnd: 1, citedText: 'Demand grew', span: { start: 0, end: 12 } }];
    const out = gateFullTextEvidence(state, { ...base, text, records });
    assert.equal(out.text, 'Demand is up. Prices fell. Some say so. The market grew.');
    assert.deepEqual(out.removed, ['[S1]']);
    assert.deepEqual(out.unverifiedMarks, [{ at: 38, sourceId: 'S2' }]);
    assert.equal(out.records.length, 2);
    assert.equal(out.records[1].sourceId, 'S3');
    assert.equal(out.records[1].citedText, 'the market grew by 7.5%');
  });

  it('rejects an id of a source that was not given, and a factual text without any checked citation', async () => {
    const { gateFullTextEvidence } = await import('../../src/core/evidenceGate');
    assert.throws(() => gateFullTextEvidence(state, { ...base, text: 'A claim [S9].', records: [] }), /not given: \[S9\]/);
    assert.throws(() => gateFullTextEvidence(state, { ...base, unverifiedAllowed: new Set(), text: 'A claim [S2].', records: [] }), /not given: \[S2\]/);
    assert.throws(() => gateFullTextEvidence(state, { ...base, text: 'A claim.', records: [] }), /cites no source with a checked quote/);
    assert.doesNotThrow(() => gateFullTextEvidence(state, { ...base, factual: false, text: 'A claim.', records: [] }));
  });
});
