/**
 * The Anthropic provider and the real SDK against the fake Messages API: JSON and SSE, usage
 * and the prompt cache, retries (the SDK's and ours), timeouts, cancellation and errors.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicModel, ModelCallError, type AnthropicModelOptions } from '../../src/providers/anthropic';
import { CancelledError, ConfigurationError } from '../../src/core/errors';
import type { ModelRequest } from '../../src/core/ports';
import { startFakeAnthropic, parseTaskTag, type FakeAnthropicServer } from '../fakes/anthropicServer';
import { estimateTokens } from '../fakes/tokens';

const MODEL = 'claude-sonnet-5-5';
/** ~1500 tokens: above the 1024-token minimum of Sonnet models. */
const LONG_PREFIX = 'Shared instructions for every analyst. '.repeat(160);

function request(overrides: Partial<ModelRequest> = {}, task = 'analysts/analyst:market'): ModelRequest {
  return {
    model: MODEL,
    system: [{ text: LONG_PREFIX, cache: true }, { text: 'Answer in English.' }],
    messages: [{ role: 'user', content: `<!-- task: ${task} -->\nWhat is the market outlook?` }],
    maxTokens: 1024,
    step: 'analysts',
    label: 'analyst:market',
    ...overrides,
  };
}

describe('Anthropic provider against the fake Messages API', () => {
  let fake: FakeAnthropicServer;
  const model = (options: Partial<AnthropicModelOptions> = {}) =>
    new AnthropicModel({ apiKey: fake.apiKey, baseURL: fake.url, backoffMs: 5, ...options });

  before(async () => {
    fake = await startFakeAnthropic({
      responder: (input) =>
        `Answer for ${input.task?.label ?? 'untagged'}: the market grows, with risks and opportunities to weigh.`,
    });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.clearRequests();
    fake.clearCache();
    fake.setFaults(undefined);
    fake.setLatency(undefined);
  });

  it('answers JSON to the SDK without streaming, with the real message shape and headers', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({
        model: MODEL,
        max_tokens: 200,
        messages: [{ role: 'user', content: '<!-- task: parse/parse -->\nHello' }],
      })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.model, MODEL);
    assert.equal(data.stop_reason, 'end_turn');
    assert.deepEqual(
      data.content.map((b) => b.type),
      ['text'],
    );
    const text = (data.content[0] as Anthropic.TextBlock).text;
    assert.equal(text, 'Answer for parse: the market grows, with risks and opportunities to weigh.');
    assert.equal(data.usage.output_tokens, estimateTokens(text));
    assert.ok(data.usage.input_tokens > 0);
    assert.equal(data.usage.cache_read_input_tokens, 0);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(fake.requests[0].stream, false);
    assert.deepEqual(fake.requests[0].task, { step: 'parse', label: 'parse' });
  });

  it('streams SSE: text in several deltas, stop reason, usage, model, request shape', async () => {
    const deltas: string[] = [];
    const res = await model().complete(request(), { onText: (d) => deltas.push(d) });
    assert.equal(res.text, 'Answer for analyst:market: the market grows, with risks and opportunities to weigh.');
    assert.ok(deltas.length >= 3, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), res.text);
    assert.equal(res.stopReason, 'end_turn');
    assert.equal(res.model, MODEL);
    assert.equal(res.usage.outputTokens, estimateTokens(res.text));
    assert.ok(res.durationMs >= 0);

    const rec = fake.requests[0];
    assert.equal(rec.stream, true);
    // SDK 1.x sends the API key as `Authorization: Bearer`.
    assert.equal(rec.authStyle, 'bearer');
    assert.equal(rec.headers.authorization, '[redacted]');
    assert.ok(!JSON.stringify(rec.headers).includes(fake.apiKey));
    assert.match(rec.headers['content-type'] ?? '', /application\/json/);
    assert.deepEqual(rec.task, { step: 'analysts', label: 'analyst:market' });
    const body = rec.body as Record<string, unknown>;
    assert.equal('temperature' in body, false, 'temperature must not be sent unless asked');
    assert.deepEqual(body.system, [
      { type: 'text', text: LONG_PREFIX, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Answer in English.' },
    ]);
    assert.equal(body.max_tokens, 1024);
    assert.deepEqual(fake.countsByTask(), { 'analysts/analyst:market': 1 });
    assert.equal(fake.count('analyst:market', 'analysts'), 1);
  });

  it('sends temperature only when the request sets it', async () => {
    await model().complete(request({ temperature: 0.2 }));
    assert.equal((fake.requests[0].body as Record<string, unknown>).temperature, 0.2);
  });

  it('writes the cache on the first call and reads it on the second with the same prefix', async () => {
    const m = model();
    const first = await m.complete(request());
    const prefixTokens = estimateTokens(LONG_PREFIX);
    assert.equal(first.usage.cacheCreationInputTokens, prefixTokens);
    assert.equal(first.usage.cacheReadInputTokens, 0);
    const second = await m.complete(request({ messages: [{ role: 'user', content: '<!-- task: analysts/analyst:risk -->\nRisks?' }] }));
    assert.equal(second.usage.cacheReadInputTokens, prefixTokens);
    assert.equal(second.usage.cacheCreationInputTokens, 0);
    assert.ok(second.usage.inputTokens > 0 && second.usage.inputTokens < 50, `rest of the prompt: ${second.usage.inputTokens}`);
    assert.deepEqual(
      fake.requests.map((r) => r.cache),
      [
        { readTokens: 0, writeTokens: prefixTokens, uncachedTokens: first.usage.inputTokens },
        { readTokens: prefixTokens, writeTokens: 0, uncachedTokens: second.usage.inputTokens },
      ],
    );
  });

  it('reads an earlier cached prefix through the lookback and writes only what follows it', async () => {
    const m = model();
    await m.complete(request({ system: [{ text: LONG_PREFIX, cache: true }] }));
    const more = 'Context documents for this run. '.repeat(100);
    const res = await m.complete(request({ system: [{ text: LONG_PREFIX }, { text: more, cache: true }] }));
    assert.equal(res.usage.cacheReadInputTokens, estimateTokens(LONG_PREFIX));
    assert.equal(res.usage.cacheCreationInputTokens, estimateTokens(LONG_PREFIX + more) - estimateTokens(LONG_PREFIX));
  });

  it('caches with a top-level cache_control (automatic caching) too', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const params = {
      model: MODEL,
      max_tokens: 100,
      cache_control: { type: 'ephemeral' as const },
      system: LONG_PREFIX,
      messages: [{ role: 'user' as const, content: 'Question' }],
    };
    const a = await client.messages.create(params);
    const b = await client.messages.create(params);
    assert.ok((a.usage.cache_creation_input_tokens ?? 0) > estimateTokens(LONG_PREFIX) - 1);
    assert.equal(b.usage.cache_read_input_tokens, a.usage.cache_creation_input_tokens);
    assert.equal(b.usage.cache_creation?.ephemeral_5m_input_tokens, 0);
    assert.equal(a.usage.cache_creation?.ephemeral_5m_input_tokens, a.usage.cache_creation_input_tokens);
  });

  it('does not read the cache when the prefix differs by one byte', async () => {
    const m = model();
    await m.complete(request());
    const changed = LONG_PREFIX.slice(0, -1) + '!';
    const res = await m.complete(request({ system: [{ text: changed, cache: true }, { text: 'Answer in English.' }] }));
    assert.equal(res.usage.cacheReadInputTokens, 0);
    assert.equal(res.usage.cacheCreationInputTokens, estimateTokens(changed));
  });

  it('does not cache a prefix below the minimum cacheable length', async () => {
    const m = model();
    const short = request({ system: [{ text: 'Short shared instructions.', cache: true }] });
    const a = await m.complete(short);
    const b = await m.complete(short);
    for (const r of [a, b]) {
      assert.equal(r.usage.cacheCreationInputTokens, 0);
      assert.equal(r.usage.cacheReadInputTokens, 0);
      assert.ok(r.usage.inputTokens > 0);
    }
  });

  it('lets parallel first calls all write; a call after the first response began reads', async () => {
    fake.setLatency({ ttftMs: 150 });
    const m = model();
    const parallel = await Promise.all([0, 1, 2].map(() => m.complete(request())));
    const prefixTokens = estimateTokens(LONG_PREFIX);
    for (const r of parallel) {
      assert.equal(r.usage.cacheCreationInputTokens, prefixTokens);
      assert.equal(r.usage.cacheReadInputTokens, 0);
    }
    const later = await m.complete(request());
    assert.equal(later.usage.cacheReadInputTokens, prefixTokens);
    assert.equal(later.usage.cacheCreationInputTokens, 0);
  });

  it('expires cache entries after five minutes without use, and every read refreshes them', async () => {
    let clock = 1_000_000;
    const timed = await startFakeAnthropic({ now: () => clock });
    try {
      const m = new AnthropicModel({ apiKey: timed.apiKey, baseURL: timed.url });
      await m.complete(request());
      clock += 4 * 60_000;
      assert.ok((await m.complete(request())).usage.cacheReadInputTokens > 0, 'read within 5 minutes');
      clock += 4 * 60_000; // 8 minutes after the write, 4 after the read that refreshed it
      assert.ok((await m.complete(request())).usage.cacheReadInputTokens > 0, 'refreshed by the read');
      clock += 5 * 60_000 + 1;
      const expired = await m.complete(request());
      assert.equal(expired.usage.cacheReadInputTokens, 0);
      assert.ok(expired.usage.cacheCreationInputTokens > 0);
    } finally {
      await timed.close();
    }
  });

  it('reports a max_tokens stop and cuts the answer at max_tokens', async () => {
    const res = await model().complete(request({ maxTokens: 5 }));
    assert.equal(res.stopReason, 'max_tokens');
    assert.equal(res.usage.outputTokens, 5);
    assert.equal(res.text, 'Answer for analyst:market: the market grows'.slice(0, 20));
  });

  it('lets the SDK retry a 429, waiting as retry-after says', async () => {
    fake.pushFaults({ kind: 'rate-limit', retryAfterSeconds: 1 });
    const res = await model().complete(request());
    assert.match(res.text, /^Answer for/);
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[0].status, 429);
    const waited = fake.requests[1].receivedAt - (fake.requests[0].finishedAt ?? 0);
    assert.ok(waited >= 900, `waited ${waited} ms after a retry-after of 1 s`);
  });

  it('lets the SDK retry 529 overloaded and 500 api_error answers', async () => {
    fake.pushFaults({ kind: 'overloaded' }, { kind: 'api-error' });
    const res = await model({ maxRetries: 2 }).complete(request());
    assert.match(res.text, /^Answer for/);
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [529, 500, 200],
    );
  });

  it('retries an event:error in the middle of a stream, without streaming text twice', async () => {
    fake.pushFaults({ kind: 'stream-error', afterDeltas: 2, errorType: 'overloaded_error' });
    const deltas: string[] = [];
    const lines: string[] = [];
    const log = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const res = await model({ log }).complete(request(), { onText: (d) => deltas.push(d) });
    assert.equal(deltas.join(''), res.text);
    assert.ok(lines.some((l) => /failed midway \(overloaded_error/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /Anthropic SDK: .*succeeded with status 200/.test(l)), 'the SDK log reaches ours');
    assert.ok(lines.every((l) => !l.includes(fake.apiKey)));
    assert.deepEqual(
      fake.requests.map((r) => r.outcome),
      ['stream-error', 'ok'],
    );
  });

  it('surfaces a persistent event:error clearly after its retries', async () => {
    fake.setFaults(() => ({ kind: 'stream-error', afterDeltas: 1, errorType: 'overloaded_error', message: 'Overloaded' }));
    await assert.rejects(model({ midStreamRetries: 2 }).complete(request()), (err: unknown) => {
      assert.ok(err instanceof ModelCallError);
      assert.match(err.message, /stream failed 3 time/);
      assert.match(err.message, /overloaded_error: Overloaded/);
      assert.equal(err.errorType, 'overloaded_error');
      return true;
    });
    assert.equal(fake.requests.length, 3);
  });

  it('retries a connection dropped in the middle of a stream', async () => {
    fake.pushFaults({ kind: 'drop', afterDeltas: 2 });
    const deltas: string[] = [];
    const res = await model().complete(request(), { onText: (d) => deltas.push(d) });
    assert.equal(deltas.join(''), res.text);
    assert.deepEqual(
      fake.requests.map((r) => r.outcome),
      ['dropped', 'ok'],
    );
  });

  it('lets the SDK retry a connection dropped before any header', async () => {
    fake.pushFaults({ kind: 'drop', beforeHeaders: true });
    const res = await model().complete(request());
    assert.match(res.text, /^Answer for/);
    assert.equal(fake.requests.length, 2);
  });

  it('fails clearly when the answer is slower than the timeout', async () => {
    fake.pushFaults({ kind: 'delay', ms: 5000 });
    const started = Date.now();
    await assert.rejects(model({ timeoutMs: 150, maxRetries: 0 }).complete(request()), (err: unknown) => {
      assert.ok(err instanceof ModelCallError);
      assert.match(err.message, /did not answer in time/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });

  it('cancels promptly through the AbortSignal, mid-stream', async () => {
    fake.setLatency({ ttftMs: 0, tokensPerSecond: 20 });
    const controller = new AbortController();
    const started = Date.now();
    let firstDeltaAt = 0;
    const call = model().complete(request(), {
      signal: controller.signal,
      onText: () => {
        if (!firstDeltaAt) {
          firstDeltaAt = Date.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(call, CancelledError);
    assert.ok(firstDeltaAt > 0);
    assert.ok(Date.now() - started < 1000, 'cancelled well before the stream would end');
  });

  it('cancels promptly while waiting to retry a failed stream', async () => {
    fake.setFaults(() => ({ kind: 'stream-error', afterDeltas: 1 }));
    const controller = new AbortController();
    const call = model({ backoffMs: 10_000 }).complete(request(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(call, CancelledError);
    assert.ok(Date.now() - started < 1000);
  });

  it('does not retry when the text listener throws', async () => {
    const res = await model().complete(request(), {
      onText: () => {
        throw new Error('listener failure');
      },
    });
    assert.match(res.text, /^Answer for/);
    assert.equal(fake.requests.length, 1);
  });

  it('rejects an already aborted signal without calling the API', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(model().complete(request(), { signal: controller.signal }), CancelledError);
    assert.equal(fake.requests.length, 0);
  });

  it('maps 401 to a configuration error that does not contain the key', async () => {
    const wrongKey = 'sk-ant-wrong-key-0123456789';
    const m = new AnthropicModel({ apiKey: wrongKey, baseURL: fake.url });
    await assert.rejects(m.complete(request()), (err: unknown) => {
      assert.ok(err instanceof ConfigurationError);
      assert.equal(err.setting, 'anthropicKey');
      assert.match(err.message, /401 authentication_error/);
      assert.ok(!err.message.includes(wrongKey));
      return true;
    });
    assert.equal(fake.requests[0].status, 401);
  });

  it('maps an unknown model (404) to a configuration error on the model', async () => {
    const strict = await startFakeAnthropic({ models: [MODEL] });
    try {
      const m = new AnthropicModel({ apiKey: strict.apiKey, baseURL: strict.url });
      await assert.rejects(m.complete(request({ model: 'claude-unknown-1' })), (err: unknown) => {
        assert.ok(err instanceof ConfigurationError);
        assert.equal(err.setting, 'model');
        assert.match(err.message, /claude-unknown-1/);
        return true;
      });
    } finally {
      await strict.close();
    }
  });

  it('maps other HTTP errors to an error naming the status and the API error', async () => {
    fake.pushFaults({ kind: 'http', status: 400, errorType: 'invalid_request_error', message: 'messages: roles must alternate' });
    await assert.rejects(model().complete(request()), (err: unknown) => {
      assert.ok(err instanceof ModelCallError);
      assert.equal(err.status, 400);
      assert.match(err.message, /400 \(invalid_request_error: messages: roles must alternate\)/);
      return true;
    });
  });

  it('refuses an empty key before any call', () => {
    assert.throws(() => new AnthropicModel({ apiKey: '  ' }), ConfigurationError);
    assert.throws(() => new AnthropicModel({ apiKey: 'k', baseURL: 'not a url' }), ConfigurationError);
  });

  it('accepts both x-api-key and Authorization: Bearer, and answers 401 with the real error body', async () => {
    const bearer = new Anthropic({ authToken: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const msg = await bearer.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(msg.type, 'message');
    assert.equal(fake.requests[0].authStyle, 'bearer');
    assert.equal(fake.requests[0].headers.authorization, '[redacted]');

    const withHeader = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(withHeader.status, 200);
    assert.equal(((await withHeader.json()) as { type: string }).type, 'message');
    assert.equal(fake.requests[1].authStyle, 'x-api-key');
    assert.equal(fake.requests[1].headers['x-api-key'], '[redacted]');

    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('request-id') ?? '', /^req_/);
    const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'authentication_error');
    assert.match(body.request_id, /^req_/);
  });

  it('requires the anthropic-version header, as the API does', async () => {
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': fake.apiKey },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  });

  it('emits the documented SSE event sequence', async () => {
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const raw = await res.text();
    const events = [...raw.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    const deltas = events.filter((e) => e === 'content_block_delta').length;
    assert.ok(deltas >= 3);
    assert.deepEqual(
      events.filter((e) => e !== 'content_block_delta'),
      ['message_start', 'content_block_start', 'ping', 'content_block_stop', 'message_delta', 'message_stop'],
    );
  });

  it('paces the stream with the seeded latency model', async () => {
    fake.setLatency({ ttftMs: 80, tokensPerSecond: 200, jitter: 0.1, seed: 7 });
    await model().complete(request());
    const rec = fake.requests[0];
    const ttft = (rec.firstTokenAt ?? 0) - rec.receivedAt;
    assert.ok(ttft >= 65 && ttft < 400, `time to first token ${ttft} ms`);
  });

  it('parses the task line of the last user message', () => {
    assert.deepEqual(parseTaskTag('<!-- task: analysts/analyst:market -->\nText'), { step: 'analysts', label: 'analyst:market' });
    assert.equal(parseTaskTag('No task here'), undefined);
  });
});
