import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze, freezeFinishedParts, PartsHeld, PartsSent, type ShapedSnapshot } from '../../src/core/snapshotParts';

const passage = (n: number) => ({ n, text: `Passage ${n} of the notes.`, location: { kind: 'lines', path: 'notes.md', startLine: n, endLine: n }, tokens: 8 });
const call = (key: string) => ({ key, step: 'analysts', model: 'm', usage: { inputTokens: 10, outputTokens: 20 }, text: `answer ${key}` });

function runState() {
  return {
    id: 'run-parts',
    problem: 'Open a second bakery?',
    calls: [deepFreeze(call('a')), deepFreeze(call('b'))],
    sources: [
      { id: 'S1', title: 'notes.md', passages: deepFreeze([passage(1), passage(2)]) },
      { id: 'S2', title: 'a page', passages: [{ ...passage(1), text: 'A fetched page.' }] },
      { id: 'S3', title: 'a result' },
    ],
  };
}

/** What the worker receives: a structured clone of the message. */
const overTheWire = (message: ShapedSnapshot): ShapedSnapshot => structuredClone(message);

describe('snapshot parts: what never changes is sent to the worker once', () => {
  it('puts every snapshot back together as the state was, sending each frozen part once', () => {
    const sent = new PartsSent();
    const held = new PartsHeld();
    const state = runState();
    const first = sent.shape(state);
    first.sent();
    assert.equal(first.message.fresh.length, 3, 'two call records and one frozen passage list');
    assert.deepEqual(held.restore(overTheWire(first.message)), state);

    // A new answer, a changed title: only the new record goes; the rest is named.
    state.calls.push(deepFreeze(call('c')));
    state.sources[1].title = 'the page, renamed';
    const second = sent.shape(state);
    second.sent();
    assert.equal(second.message.fresh.length, 1);
    assert.ok(!JSON.stringify(second.message.state).includes('Passage 1 of the notes'), 'a held part was copied again');
    assert.deepEqual(held.restore(overTheWire(second.message)), state);
  });

  it('never names an object that is not frozen: it can change, so it is always sent', () => {
    const sent = new PartsSent();
    const held = new PartsHeld();
    const state = runState();
    const first = sent.shape(state);
    first.sent();
    held.restore(overTheWire(first.message));
    state.sources[1].passages!.push(passage(2));
    const second = sent.shape(state);
    second.sent();
    assert.deepEqual(held.restore(overTheWire(second.message)), state);
    assert.throws(() => {
      (state.calls[0] as { text: string }).text = 'changed';
    }, TypeError);
  });

  it('a message naming a part the worker does not hold is refused, and the part is sent again after forget()', () => {
    const sent = new PartsSent();
    const state = runState();
    const first = sent.shape(state);
    first.sent();
    // A worker that never saw the first message.
    const fresh = new PartsHeld();
    const second = sent.shape(state);
    second.sent();
    assert.equal(fresh.restore(overTheWire(second.message)), null);
    sent.forget('run-parts');
    const third = sent.shape(state);
    third.sent();
    assert.deepEqual(fresh.restore(overTheWire(third.message)), state);
  });

  it('a message that was never sent changes nothing; the oldest run is forgotten on both sides', () => {
    const sent = new PartsSent(2);
    const held = new PartsHeld();
    const a = { ...runState(), id: 'run-a' };
    const first = sent.shape(a);
    first.sent();
    held.restore(overTheWire(first.message));
    // Shaped but not sent (the message could not be posted): the next one still carries the new part.
    a.calls.push(deepFreeze(call('c')));
    sent.shape(a);
    const again = sent.shape(a);
    assert.equal(again.message.fresh.length, 1);
    again.sent();
    assert.deepEqual(held.restore(overTheWire(again.message)), a);

    for (const id of ['run-b', 'run-c']) {
      const m = sent.shape({ ...runState(), id });
      m.sent();
      held.restore(overTheWire(m.message));
      if (id === 'run-c') assert.equal(m.message.forget, 'run-a');
    }
    // run-a was forgotten: all of it is sent again, and the worker takes it.
    const back = sent.shape(a);
    assert.equal(back.message.fresh.length, 4);
    back.sent();
    assert.deepEqual(held.restore(overTheWire(back.message)), a);
  });

  it('a loaded state gets its calls and passages frozen, as they were when made', () => {
    const loaded = JSON.parse(JSON.stringify(runState()));
    freezeFinishedParts(loaded);
    assert.ok(Object.isFrozen(loaded.calls[0]) && Object.isFrozen(loaded.calls[0].usage));
    assert.ok(Object.isFrozen(loaded.sources[0].passages) && Object.isFrozen(loaded.sources[0].passages[0].location));
    assert.ok(!Object.isFrozen(loaded.sources[0]), 'a source itself may still change (its verification)');
  });
});
