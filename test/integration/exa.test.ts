/**
 * The Exa provider and exa-js against the fake Exa API: mapping, timeout, retries with
 * backoff, cancellation and errors; and the provider bundled the way the extension is, with
 * cross-fetch replaced by the fetch shim.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ExaSearch, SearchCallError, type ExaSearchOptions } from '../../src/providers/exa';
import { CancelledError, ConfigurationError } from '../../src/core/errors';
import { defaultExaResults, startFakeExa, type FakeExaServer } from '../fakes/exaServer';

describe('Exa provider against the fake Exa API', () => {
  let fake: FakeExaServer;
  let sleeps: number[];
  const search = (options: Partial<ExaSearchOptions> = {}) =>
    new ExaSearch({
      apiKey: fake.apiKey,
      baseURL: fake.url,
      timeoutMs: 2000,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    });

  before(async () => {
    fake = await startFakeExa();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.clearRequests();
    fake.setFaults(undefined);
    fake.setLatency(undefined);
    sleeps = [];
  });

  it('searches with highlights and text, and maps the results', async () => {
    const { results, costUsd } = await search().search('European battery market', { numResults: 3 });
    const expected = defaultExaResults('European battery market', 3);
    assert.equal(results.length, 3);
    assert.deepEqual(results[0], {
      url: expected[0].url,
      title: expected[0].title,
      publishedDate: expected[0].publishedDate,
      author: expected[0].author,
      highlights: expected[0].highlights,
      text: expected[0].text,
    });
    assert.equal(costUsd, 0.007);

    const rec = fake.requests[0];
    assert.equal(rec.path, '/search');
    assert.equal(rec.authStyle, 'x-api-key');
    assert.equal(rec.headers['x-api-key'], '[redacted]');
    assert.deepEqual(rec.body, {
      query: 'European battery market',
      type: 'auto',
      numResults: 3,
      contents: { highlights: true, text: { maxCharacters: 1500 } },
    });
  });

  it('returns the same results for the same query, and cuts text to maxCharacters', async () => {
    const a = await search({ textMaxCharacters: 40 }).search('grid storage', { numResults: 2 });
    const b = await search({ textMaxCharacters: 40 }).search('grid storage', { numResults: 2 });
    assert.deepEqual(a, b);
    assert.ok(a.results.every((r) => (r.text ?? '').length === 40));
    const none = await search({ textMaxCharacters: 0 }).search('grid storage', { numResults: 1 });
    assert.equal(none.results[0].text, undefined);
    assert.ok(none.results[0].highlights.length > 0);
  });

  it('accepts Authorization: Bearer and answers 401 with the real error body', async () => {
    const ok = await fetch(`${fake.url}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}` },
      body: JSON.stringify({ query: 'q', numResults: 1, contents: { highlights: true } }),
    });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.equal(typeof body.requestId, 'string');
    assert.equal(body.resolvedSearchType, 'neural');
    const [first] = body.results as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(first.highlights) && Array.isArray(first.highlightScores));
    assert.equal('text' in first, false, 'text only when asked');
    assert.equal(fake.requests[0].authStyle, 'bearer');

    const denied = await fetch(`${fake.url}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' },
      body: JSON.stringify({ query: 'q' }),
    });
    assert.equal(denied.status, 401);
    const err = (await denied.json()) as Record<string, unknown>;
    assert.equal(err.tag, 'INVALID_API_KEY');
    assert.equal(typeof err.requestId, 'string');
    assert.equal(typeof err.error, 'string');
  });

  it('maps 401 to a configuration error without the key', async () => {
    const wrongKey = 'exa-wrong-key-0123456789';
    const s = new ExaSearch({ apiKey: wrongKey, baseURL: fake.url, sleep: async () => {} });
    await assert.rejects(s.search('anything'), (err: unknown) => {
      assert.ok(err instanceof ConfigurationError);
      assert.equal(err.setting, 'exaKey');
      assert.match(err.message, /401 INVALID_API_KEY/);
      assert.ok(!err.message.includes(wrongKey));
      return true;
    });
    assert.equal(fake.requests.length, 1, 'no retry on 401');
  });

  it('retries a 429, honouring retry-after', async () => {
    fake.pushFaults({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const { results } = await search().search('retry after', { numResults: 1 });
    assert.equal(results.length, 1);
    assert.deepEqual(sleeps, [2000]);
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [429, 200],
    );
  });

  it('honours a retry-after given as an HTTP date, and never logs the key', async () => {
    const lines: string[] = [];
    const log = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const at = new Date(Date.now() + 3000).toUTCString();
    fake.pushFaults({ kind: 'http', status: 429, tag: 'RATE_LIMIT_EXCEEDED', message: 'Slow down', headers: { 'retry-after': at } });
    await search({ log }).search('dated retry', { numResults: 1 });
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0] > 1000 && sleeps[0] <= 3000, `waited ${sleeps[0]} ms`);
    assert.ok(lines.some((l) => /429/.test(l)));
    assert.ok(lines.every((l) => !l.includes(fake.apiKey)));
  });

  it('retries 5xx answers with exponential backoff', async () => {
    fake.pushFaults({ kind: 'server-error' }, { kind: 'server-error', status: 503 });
    await search({ backoffMs: 100 }).search('backoff', { numResults: 1 });
    // Equal jitter with random() = 0.5: 3/4 of 100, then of 200.
    assert.deepEqual(sleeps, [75, 150]);
    assert.equal(fake.requests.length, 3);
  });

  it('gives up after its retries with a clear error', async () => {
    fake.setFaults(() => ({ kind: 'server-error' }));
    await assert.rejects(search({ retries: 2 }).search('always failing'), (err: unknown) => {
      assert.ok(err instanceof SearchCallError);
      assert.equal(err.status, 500);
      assert.match(err.message, /Exa API answered 500 \(INTERNAL_ERROR: Internal server error\)/);
      return true;
    });
    assert.equal(fake.requests.length, 3);
  });

  it('does not retry a 400', async () => {
    fake.pushFaults({ kind: 'http', status: 400, tag: 'INVALID_REQUEST', message: 'Bad filters' });
    await assert.rejects(search().search('bad request'), (err: unknown) => {
      assert.ok(err instanceof SearchCallError);
      assert.equal(err.status, 400);
      assert.equal(err.tag, 'INVALID_REQUEST');
      return true;
    });
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('times out a slow answer, and retries it', async () => {
    fake.pushFaults({ kind: 'delay', ms: 3000 });
    const started = Date.now();
    const { results } = await search({ timeoutMs: 150 }).search('slow', { numResults: 2 });
    assert.equal(results.length, 2);
    assert.ok(Date.now() - started < 1500);
    assert.equal(fake.requests.length, 2);
  });

  it('fails clearly when every attempt times out', async () => {
    fake.setFaults(() => ({ kind: 'delay', ms: 3000 }));
    await assert.rejects(search({ timeoutMs: 100, retries: 1 }).search('always slow'), /did not answer within 0\.1 s/);
  });

  it('retries a dropped connection', async () => {
    fake.pushFaults({ kind: 'drop' });
    const { results } = await search().search('dropped', { numResults: 1 });
    assert.equal(results.length, 1);
    assert.equal(fake.requests.length, 2);
  });

  it('cancels promptly through the AbortSignal', async () => {
    fake.setLatency({ ms: 3000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(search().search('cancel me', { signal: controller.signal }), CancelledError);
    assert.ok(Date.now() - started < 1000);
  });

  it('cancels while waiting to retry', async () => {
    fake.setFaults(() => ({ kind: 'server-error' }));
    const controller = new AbortController();
    const s = new ExaSearch({ apiKey: fake.apiKey, baseURL: fake.url, backoffMs: 10_000 });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(s.search('cancel during backoff', { signal: controller.signal }), CancelledError);
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses an empty key and a bad base URL', () => {
    assert.throws(() => new ExaSearch({ apiKey: '' }), ConfigurationError);
    assert.throws(() => new ExaSearch({ apiKey: 'k', baseURL: 'ftp://x' }), ConfigurationError);
  });

  it('works when bundled with cross-fetch replaced by the fetch shim', async () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const dir = mkdtempSync(path.join(tmpdir(), 'exa-bundle-'));
    try {
      const outfile = path.join(dir, 'exa.js');
      // The same replacement esbuild.mjs makes for the extension bundle.
      await esbuild.build({
        entryPoints: [path.join(root, 'src', 'providers', 'exa.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile,
        logLevel: 'silent',
        plugins: [
          {
            name: 'fetch-shim',
            setup(build) {
              build.onResolve({ filter: /^(cross-fetch|node-fetch)$/ }, () => ({
                path: path.join(root, 'src', 'providers', 'fetchShim.ts'),
              }));
            },
          },
        ],
        metafile: true,
      }).then((result) => {
        const inputs = Object.keys(result.metafile.inputs);
        assert.ok(!inputs.some((i) => /node_modules[\\/](cross-fetch|node-fetch)[\\/]/.test(i)), 'no cross-fetch in the bundle');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as { ExaSearch: typeof ExaSearch };
      const s = new bundled.ExaSearch({ apiKey: fake.apiKey, baseURL: fake.url });
      const { results } = await s.search('bundled search', { numResults: 2 });
      assert.equal(results.length, 2);
      assert.equal(results[0].url, defaultExaResults('bundled search', 2)[0].url);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
