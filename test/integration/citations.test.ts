/**
 * The Citations feature through the real SDK and the provider, against the fake Messages API:
 * documents and search results on the wire (custom content, one block per passage, the cache
 * breakpoint on the last), citations read back from JSON and from SSE (`citations_delta`),
 * malformed citations passed on untouched for the core to check, and the API's 400s.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicModel } from '../../src/providers/anthropic';
import type { CitableDocument, ModelRequest } from '../../src/core/ports';
import { startFakeAnthropic, type AnthropicResponderInput, type FakeAnthropicServer } from '../fakes/anthropicServer';
import { citationOf, malformed } from '../fakes/citations';

const MODEL = 'claude-sonnet-5-5';
const LONG_PREFIX = 'Shared instructions for every analyst. '.repeat(160);

const DOCS: CitableDocument[] = [
  {
    kind: 'document',
    sourceId: 'S1',
    title: 'notes.md',
    context: 'notes.md, lines 1-9',
    passages: ['# Notes\n\nOur distributor in Munich reports demand growth of 12% for industrial sensors.\n', 'Prices fell by 4% in 2025.\n'],
  },
  {
    kind: 'search_result',
    sourceId: 'S2',
    title: 'Sensor market report',
    url: 'https://site-1.example/report',
    passages: ['The German sensor market was worth EUR 3.1 billion in 2025.'],
  },
];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: MODEL,
    system: [{ text: LONG_PREFIX, cache: true }],
    messages: [{ role: 'user', content: '<!-- task: fulltext/fulltext -->\nWrite.' }],
    documents: DOCS,
    cacheDocuments: true,
    maxTokens: 2000,
    step: 'fulltext',
    label: 'fulltext',
    ...overrides,
  };
}

/** An answer citing each citable once, then the three malformed citations. */
function citingResponder(input: AnthropicResponderInput) {
  const [doc, result] = input.citables;
  return {
    blocks: [
      { text: 'Demand grows. ' },
      { text: 'Distributors report 12% growth', citations: [citationOf(doc, 0, 1, 'demand growth of 12% for industrial sensors')] },
      { text: ' in a EUR 3.1 billion market', citations: [citationOf(result, 0)] },
      { text: ', with falling prices', citations: [malformed.outOfRange(doc), malformed.wrongQuote(doc), malformed.unsentDocument(doc, 1)] },
      { text: '.' },
    ],
  };
}

describe('Citations through the real SDK against the fake Messages API', () => {
  let fake: FakeAnthropicServer;
  const model = () => new AnthropicModel({ apiKey: fake.apiKey, baseURL: fake.url, backoffMs: 5 });

  before(async () => {
    fake = await startFakeAnthropic({ responder: citingResponder });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.clearRequests();
    fake.clearCache();
    fake.setResponder(citingResponder);
  });

  it('sends documents as custom content (one block per passage) and results as search_result, cached at the last', async () => {
    await model().complete(request());
    const body = fake.requests[0].body as Anthropic.MessageCreateParams;
    const content = body.messages[0].content as Anthropic.ContentBlockParam[];
    assert.deepEqual(
      content.map((b) => b.type),
      ['document', 'search_result', 'text'],
    );
    const doc = content[0] as Anthropic.DocumentBlockParam;
    assert.deepEqual(doc.source, { type: 'content', content: DOCS[0].passages.map((text) => ({ type: 'text', text })) });
    assert.deepEqual(doc.citations, { enabled: true });
    assert.equal(doc.title, 'notes.md');
    assert.equal(doc.context, 'notes.md, lines 1-9');
    assert.equal(doc.cache_control, undefined);
    const result = content[1] as Anthropic.SearchResultBlockParam;
    assert.equal(result.source, 'https://site-1.example/report');
    assert.deepEqual(result.citations, { enabled: true });
    assert.deepEqual(result.cache_control, { type: 'ephemeral' });
    assert.match((content[2] as Anthropic.TextBlockParam).text, /Write\./);
    // The system breakpoint stays, the documents add one.
    assert.deepEqual((body.system as Anthropic.TextBlockParam[])[0].cache_control, { type: 'ephemeral' });
  });

  it('reads citations from an SSE answer (citations_delta) into blocks whose texts join into the text', async () => {
    const streamed: string[] = [];
    const res = await model().complete(request(), { onText: (d) => streamed.push(d) });
    assert.equal(fake.requests[0].stream, true);
    assert.equal(res.text, 'Demand grows. Distributors report 12% growth in a EUR 3.1 billion market, with falling prices.');
    assert.equal(streamed.join(''), res.text);
    assert.equal(res.blocks!.map((b) => b.text).join(''), res.text);
    assert.deepEqual(res.blocks![1].citations, [
      { type: 'content_block_location', citedText: 'demand growth of 12% for industrial sensors', index: 0, start: 0, end: 1, title: 'notes.md' },
    ]);
    assert.deepEqual(res.blocks![2].citations, [
      {
        type: 'search_result_location',
        citedText: DOCS[1].passages[0],
        index: 0,
        start: 0,
        end: 1,
        source: 'https://site-1.example/report',
        title: 'Sensor market report',
      },
    ]);
    // Malformed citations are passed on as they came: the core checks them.
    const bad = res.blocks![3].citations;
    assert.equal(bad.length, 3);
    assert.equal(bad[0].start, 4);
    assert.match(bad[1].citedText, /invented by the model/);
    assert.equal(bad[2].index, 6);
  });

  it('returns the same citations from a JSON answer', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const body = fake.requests.length;
    await model().complete(request());
    const sent = fake.requests[body].body as Anthropic.MessageCreateParamsNonStreaming;
    const message = await client.messages.create({ ...sent, stream: false });
    const cited = message.content.filter((b): b is Anthropic.TextBlock => b.type === 'text' && !!b.citations?.length);
    assert.equal(cited.length, 3);
    assert.equal((cited[0].citations![0] as Anthropic.CitationContentBlockLocation).start_block_index, 0);
    assert.equal(cited[1].citations![0].type, 'search_result_location');
  });

  it('answers char_location for a plain-text document', async () => {
    fake.setResponder((input) => ({ blocks: [{ text: 'Growth.', citations: [citationOf(input.citables[0], 0, 1, 'demand growth')] }] }));
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Our distributor reports demand growth.' }, citations: { enabled: true } },
            { type: 'text', text: 'Summarize.' },
          ],
        },
      ],
    });
    const c = (message.content[0] as Anthropic.TextBlock).citations![0] as Anthropic.CitationCharLocation;
    assert.equal(c.type, 'char_location');
    assert.equal(c.start_char_index, 'Our distributor reports '.length);
    assert.equal(c.end_char_index, c.start_char_index + 'demand growth'.length);
  });

  it('reads the cached documents on a second call with the same prefix', async () => {
    await model().complete(request());
    const second = await model().complete(request());
    assert.ok(second.usage.cacheReadInputTokens > estimateOf(LONG_PREFIX), 'the documents are read from the cache with the system prompt');
  });

  it('answers 400 as the API does: structured output with citations, mixed citation settings, empty blocks', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const doc = (enabled: boolean, text = 'Some text.') =>
      ({ type: 'document', source: { type: 'content', content: [{ type: 'text', text }] }, citations: { enabled } }) as Anthropic.DocumentBlockParam;
    const call = (content: Anthropic.ContentBlockParam[], extra: Record<string, unknown> = {}) =>
      client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content }], ...extra } as Anthropic.MessageCreateParamsNonStreaming);
    await assert.rejects(
      call([doc(true), { type: 'text', text: 'Hi' }], { output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /structured outputs/.test(err.message),
    );
    await assert.rejects(call([doc(true), doc(false), { type: 'text', text: 'Hi' }]), /all documents or on none/);
    await assert.rejects(call([doc(true, ''), { type: 'text', text: 'Hi' }]), /non-empty/);
  });

  it('sends no document blocks and returns no blocks when the request has no documents', async () => {
    fake.setResponder(() => 'Plain answer.');
    const res = await model().complete(request({ documents: undefined }));
    assert.equal(res.blocks, undefined);
    const body = fake.requests[0].body as Anthropic.MessageCreateParams;
    assert.equal(typeof body.messages[0].content, 'string');
  });
});

function estimateOf(text: string): number {
  return Math.ceil(text.length / 4);
}
