import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnthropicModel } from '../../src/providers/anthropic';
import { startFakeAnthropic } from '../fakes/anthropicServer';

test('onStart fires when the response begins (message_start), before any text', async () => {
  const fake = await startFakeAnthropic({ responder: () => 'Hello there, a streamed answer.', latency: { ttftMs: 30, tokensPerSecond: 200 } });
  try {
    const model = new AnthropicModel({ apiKey: fake.apiKey, baseURL: fake.url });
    const events: string[] = [];
    await model.complete(
      { model: 'claude-sonnet-5-5', system: [{ text: 'sys' }], messages: [{ role: 'user', content: 'hi' }], maxTokens: 100, step: 'parse', label: 'parse' },
      { onStart: () => events.push('start'), onText: () => events.push('text') },
    );
    assert.equal(events[0], 'start');
    assert.equal(events.filter((e) => e === 'start').length, 1);
    assert.ok(events.includes('text'));
  } finally {
    await fake.close();
  }
});
