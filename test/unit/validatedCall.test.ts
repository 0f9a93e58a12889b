import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext } from '../../src/core/context';
import { CancelledError } from '../../src/core/errors';
import type { LanguageModel, ModelRequest, ModelResponse } from '../../src/core/ports';
import { createState } from '../../src/core/state';
import { reject } from '../../src/core/validatedCall';
import { CountingModel, harness } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

/** A model answering from a script, one text per call, and keeping every request. */
class ScriptedModel implements LanguageModel {
  readonly demo = true;
  readonly requests: ModelRequest[] = [];
  constructor(private readonly answers: Array<string | Error | { text: string; stopReason: string }>) {}
  async complete(req: ModelRequest): Promise<ModelResponse> {
    this.requests.push(req);
    const next = this.answers.shift() ?? 'no more answers';
    if (next instanceof Error) throw next;
    const { text, stopReason } = typeof next === 'string' ? { text: next, stopReason: 'end_turn' } : next;
    return { text, stopReason, model: 'scripted', durationMs: 1, usage: { inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 } };
  }
}

function context(model: LanguageModel) {
  const h = harness({ model: new CountingModel(model) });
  const state = createState({ id: 'run-validated', problem: PROBLEM, now: new Date('2026-11-22T10:00:00.000Z'), demo: true });
  return { ctx: new RunContext(state, h.deps, undefined), h };
}

const number = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : reject(`"${text}" is not a number.`));

const spec = {
  key: 'count',
  step: 'parse' as const,
  label: 'count',
  system: [{ text: 'system' }],
  messages: [{ role: 'user' as const, content: 'Answer with a number.' }],
  maxTokens: 100,
  check: (call: { text: string }) => number(call.text),
  feedback: (reason: string) => `Rejected: ${reason} Again.`,
};

describe('one validated model call', () => {
  it('retries with the first request, the last rejected answer and its reason only', async () => {
    const model = new ScriptedModel(['one', 'two', 'three', '4']);
    const { ctx } = context(model);
    const out = await ctx.validatedCall({ ...spec, attempts: 4 });
    assert.ok(out.ok);
    assert.equal(out.value, 4);
    assert.equal(out.attempt, 4);
    assert.equal(out.made, 4);
    assert.equal(model.requests[0].messages.length, 1);
    for (const [i, rejected] of ['one', 'two', 'three'].entries()) {
      const messages = model.requests[i + 1].messages;
      assert.equal(messages.length, 3, `attempt ${i + 2} sends three messages`);
      assert.match(messages[0].content, /Answer with a number\.$/);
      assert.deepEqual(messages[1], { role: 'assistant', content: rejected });
      assert.equal(messages[2].content.replace(/^<!-- task: [^>]* -->\n/, ''), `Rejected: "${rejected}" is not a number. Again.`);
    }
    // Each attempt is recorded under its own key; each rejection is one retry in the history.
    assert.deepEqual(ctx.state.calls.map((c) => c.key), ['count:1', 'count:2', 'count:3', 'count:4']);
    assert.deepEqual(
      ctx.state.history.filter((e) => e.event === 'retry').map((e) => e.detail),
      ['count: "one" is not a number.', 'count: "two" is not a number.', 'count: "three" is not a number.'],
    );
  });

  it('gives up after its attempts with the last reason, and an error thrown by the check is a reason', async () => {
    const model = new ScriptedModel(['a', 'b']);
    const { ctx } = context(model);
    const out = await ctx.validatedCall({
      ...spec,
      attempts: 2,
      check: (call) => {
        throw new Error(`bad ${call.text}`);
      },
    });
    assert.deepEqual(out, { ok: false, reason: 'bad b', nextAttempt: 3, made: 2 });
    assert.equal(model.requests.length, 2);
  });

  it('reads finished attempts again on resume instead of paying for them', async () => {
    const first = context(new ScriptedModel(['x', 'y']));
    const failed = await first.ctx.validatedCall({ ...spec, attempts: 2 });
    assert.equal(failed.ok, false);
    // The same run, resumed with its recorded calls, in a new round of attempts after the failure.
    const model = new ScriptedModel(['7']);
    const h = harness({ model });
    const resumed = new RunContext(first.ctx.state, h.deps, undefined);
    const again = await resumed.validatedCall({ ...spec, attempts: 2 });
    assert.equal(again.ok, false, 'the same round reads the two rejected answers again');
    assert.equal(model.requests.length, 0);
    resumed.newRound('parse');
    const next = await resumed.validatedCall({ ...spec, attempts: 2 });
    assert.ok(next.ok);
    assert.equal(next.value, 7);
    assert.ok(resumed.state.calls.some((c) => c.key === 'count:1#round2'));
  });

  it('with its own numbering, goes on from the first attempt given and counts only new calls', async () => {
    const first = context(new ScriptedModel(['x', 'y']));
    const own = { ...spec, ownAttempts: true };
    const failed = await first.ctx.validatedCall({ ...own, attempts: 2 });
    assert.ok(!failed.ok);
    assert.equal(failed.nextAttempt, 3);
    const model = new ScriptedModel(['z', '5']);
    const resumed = new RunContext(first.ctx.state, harness({ model }).deps, undefined);
    const out = await resumed.validatedCall({ ...own, attempts: 2, firstAttempt: 1 });
    assert.ok(out.ok);
    assert.equal(out.attempt, 4);
    assert.equal(out.made, 2, 'the two recorded answers were read again for free');
    assert.deepEqual(resumed.state.calls.map((c) => c.key), ['count:1', 'count:2', 'count:3', 'count:4']);
  });

  it('doubles the output tokens after an answer cut at max_tokens, up to the limit', async () => {
    const model = new ScriptedModel([{ text: '1', stopReason: 'max_tokens' }, { text: 'x', stopReason: 'max_tokens' }, '3']);
    const { ctx } = context(model);
    const out = await ctx.validatedCall({
      ...spec,
      attempts: 3,
      maxTokensUpTo: 150,
      check: (call) => (call.stopReason === 'max_tokens' ? reject('cut off') : number(call.text)),
    });
    assert.ok(out.ok);
    assert.deepEqual(model.requests.map((r) => r.maxTokens), [100, 150, 150]);
  });

  it('a failed call is a failed attempt only when asked; a cancellation always goes through', async () => {
    const failing = context(new ScriptedModel([new Error('overloaded'), '2']));
    await assert.rejects(failing.ctx.validatedCall({ ...spec, attempts: 2 }), /overloaded/);

    const model = new ScriptedModel([new Error('overloaded'), '2']);
    const { ctx } = context(model);
    const reasons: string[] = [];
    const seen: number[] = [];
    const out = await ctx.validatedCall({ ...spec, attempts: 2, retryFailedCalls: true, onAttempt: (n) => seen.push(n), onRejected: (r) => reasons.push(r) });
    assert.ok(out.ok);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(reasons, ['the model call failed: overloaded']);
    // The failed call is asked again as it was: no rejected answer to show.
    assert.equal(model.requests[1].messages.length, 1);

    const cancelled = context(new ScriptedModel([new CancelledError(), '2']));
    await assert.rejects(cancelled.ctx.validatedCall({ ...spec, attempts: 2, retryFailedCalls: true }), CancelledError);
    const cancelledInCheck = context(new ScriptedModel(['2']));
    await assert.rejects(
      cancelledInCheck.ctx.validatedCall({
        ...spec,
        attempts: 2,
        check: () => {
          throw new CancelledError();
        },
      }),
      CancelledError,
    );
  });
});
