/**
 * Page text by URL (`/contents`, the request exa-js's getContents sends) through the Exa
 * provider against the fake Exa API: found pages, per-URL failures in `statuses` (404 and
 * others) inside a 200 answer, 429 retried, a hanging answer timed out, and the cost.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Exa from 'exa-js';
import { ExaSearch, SearchCallError, type ExaSearchOptions } from '../../src/providers/exa';
import { startFakeExa, type FakeExaPage, type FakeExaServer } from '../fakes/exaServer';

const PAGES: Record<string, FakeExaPage> = {
  'https://stats.example/sensors-2025': {
    title: 'Sensor statistics 2025',
    text: 'The German market for industrial sensors grew by 7.5% in 2025, to EUR 3.1 billion.',
    publishedDate: '2026-02-01T00:00:00.000Z',
  },
  'https://blog.example/opinion': { title: 'An opinion', text: 'Sensors are interesting. Nothing more is said here.' },
};

describe('Exa page contents against the fake Exa API', () => {
  let fake: FakeExaServer;
  let sleeps: number[];
  const exa = (options: Partial<ExaSearchOptions> = {}) =>
    new ExaSearch({ apiKey: fake.apiKey, baseURL: fake.url, timeoutMs: 2000, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), ...options });

  before(async () => {
    fake = await startFakeExa({
      pages: (url) => (url.includes('forbidden') ? { error: { tag: 'SOURCE_NOT_AVAILABLE', httpStatusCode: 403 } } : (PAGES[url] ?? null)),
    });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.clearRequests();
    fake.setFaults(undefined);
    sleeps = [];
  });

  it('answers exa-js getContents with results and a status per URL, failures inside a 200', async () => {
    const client = new Exa(fake.apiKey, fake.url);
    const res = await client.getContents(['https://stats.example/sensors-2025', 'https://nowhere.example/x'], { text: true });
    assert.equal(res.results.length, 1);
    assert.equal(res.results[0].text, PAGES['https://stats.example/sensors-2025'].text);
    const statuses = res.statuses as unknown as Array<{ id: string; status: string; error?: { tag: string; httpStatusCode: number } }>;
    assert.deepEqual(statuses[1], { id: 'https://nowhere.example/x', status: 'error', error: { tag: 'CRAWL_NOT_FOUND', httpStatusCode: 404 } });
    assert.deepEqual((fake.requests[0].body as { urls: string[] }).urls.length, 2);
  });

  it('maps found pages and per-URL failures, with the cost of the pages fetched', async () => {
    const out = await exa().contents([
      'https://stats.example/sensors-2025',
      'https://blog.example/opinion',
      'https://nowhere.example/missing',
      'https://forbidden.example/page',
    ]);
    assert.deepEqual(
      out.pages.map((p) => p.url),
      ['https://stats.example/sensors-2025', 'https://blog.example/opinion'],
    );
    assert.equal(out.pages[0].title, 'Sensor statistics 2025');
    assert.equal(out.pages[0].publishedDate, '2026-02-01T00:00:00.000Z');
    assert.deepEqual(out.failures, [
      { url: 'https://nowhere.example/missing', reason: 'CRAWL_NOT_FOUND', httpStatus: 404 },
      { url: 'https://forbidden.example/page', reason: 'SOURCE_NOT_AVAILABLE', httpStatus: 403 },
    ]);
    assert.equal(out.costUsd, 0.002);
    const body = fake.requests[0].body as { text: { maxCharacters: number } };
    assert.equal(body.text.maxCharacters, 20_000);
  });

  it('retries a 429 honouring retry-after', async () => {
    fake.pushFaults({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const out = await exa().contents(['https://stats.example/sensors-2025']);
    assert.equal(out.pages.length, 1);
    assert.equal(fake.requests.length, 2);
    assert.equal(sleeps[0], 2000);
  });

  it('times out a hanging answer and fails clearly after its retries', async () => {
    fake.setFaults(() => ({ kind: 'delay', ms: 5000 }));
    const started = Date.now();
    await assert.rejects(exa({ timeoutMs: 100, retries: 1 }).contents(['https://stats.example/sensors-2025']), (err: unknown) => {
      assert.ok(err instanceof SearchCallError);
      assert.match((err as Error).message, /did not answer within 0\.1 s/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });

  it('makes no call for an empty list, and asks each URL once', async () => {
    assert.deepEqual(await exa().contents([]), { pages: [], failures: [] });
    assert.equal(fake.requests.length, 0);
    await exa().contents(['https://blog.example/opinion', ' https://blog.example/opinion ']);
    assert.deepEqual((fake.requests[0].body as { urls: string[] }).urls, ['https://blog.example/opinion']);
  });

  it('serves by default the pages of search results it returned, and 404 for others', async () => {
    const plain = await startFakeExa();
    try {
      const provider = new ExaSearch({ apiKey: plain.apiKey, baseURL: plain.url });
      const { results } = await provider.search('sensor market', { numResults: 2 });
      const out = await provider.contents([results[0].url, 'https://unknown.example/']);
      assert.equal(out.pages.length, 1);
      assert.match(out.pages[0].text, /sensor market/);
      assert.equal(out.failures[0].httpStatus, 404);
    } finally {
      await plain.close();
    }
  });
});
