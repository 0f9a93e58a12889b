import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext } from '../../src/core/context';
import { createState, type WorkflowState } from '../../src/core/state';
import type { StateStore } from '../../src/core/ports';
import { harness } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

/** A store that records what it was handed (serialized at once, as the file store does) and can be made to fail. */
class RecordingStore implements StateStore {
  readonly handed: Array<Pick<WorkflowState, 'status' | 'awaiting' | 'calls' | 'title'>> = [];
  failing = false;
  written = 0;
  private queue: Promise<unknown> = Promise.resolve();
  save(state: WorkflowState): Promise<void> {
    this.handed.push(JSON.parse(JSON.stringify({ status: state.status, awaiting: state.awaiting, calls: state.calls, title: state.title })));
    const fail = this.failing;
    const write = this.queue.then(async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('Could not save the analysis state: the disk is full (ENOSPC).');
      this.written++;
    });
    this.queue = write.catch(() => undefined);
    return write;
  }
  load(): never {
    throw new Error('not used');
  }
  list() {
    return Promise.resolve([]);
  }
  appendRunLog() {
    return Promise.resolve();
  }
  readRunLog() {
    return Promise.resolve('');
  }
}

function context(store: RecordingStore) {
  const h = harness({ store });
  const state = createState({ id: 'run-save', problem: PROBLEM, now: new Date('2026-11-22T10:00:00.000Z'), demo: true });
  return { ctx: new RunContext(state, h.deps, undefined), h };
}

const spec = (key: string) => ({
  key,
  step: 'parse' as const,
  label: key,
  system: [{ text: 'system' }],
  messages: [{ role: 'user' as const, content: 'Answer.' }],
  maxTokens: 100,
});

describe('the save protocol of the run context', () => {
  it('hands a recorded answer to the store before the next call is made, in the same turn', async () => {
    const store = new RecordingStore();
    const { ctx, h } = context(store);
    await ctx.call(spec('first'));
    // No turn of the event loop between the two calls: the second call hands the first answer over.
    const before = store.handed.length;
    const second = ctx.call(spec('second'));
    assert.equal(store.handed.length, before + 1);
    assert.deepEqual(store.handed[before].calls.map((c) => c.key), ['first']);
    await second;
    assert.equal(h.model.calls.length, 2);
    await ctx.saved();
    assert.deepEqual(store.handed.at(-1)!.calls.map((c) => c.key), ['first', 'second']);
  });

  it('coalesces the checkpoints of one burst into one snapshot, taken at the next turn', async () => {
    const store = new RecordingStore();
    const { ctx } = context(store);
    ctx.state.title = 'one';
    ctx.checkpoint();
    ctx.state.title = 'two';
    ctx.checkpoint();
    assert.equal(store.handed.length, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(store.handed.map((x) => x.title), ['two']);
  });

  it('a failed write stops the run at its next call, gate or checkpoint, and pays for nothing more', async () => {
    const store = new RecordingStore();
    const { ctx, h } = context(store);
    store.failing = true;
    ctx.checkpoint();
    await assert.rejects(ctx.saved(), /disk is full/);
    await assert.rejects(ctx.call(spec('after')), /disk is full/);
    assert.equal(h.model.calls.length, 0);
    await assert.rejects(ctx.awaitPerson('proposal'), /disk is full/);
    assert.equal(ctx.state.awaiting, null, 'the gate was not opened');
    assert.throws(() => ctx.checkpoint(), /disk is full/);
    await assert.rejects(ctx.budget.reserve(0.01, { step: 'citations', label: 'search', partialAllowed: true }), /disk is full/);
  });

  it('a gate hands the waiting state to the store before the person is asked', async () => {
    const store = new RecordingStore();
    const { ctx } = context(store);
    await ctx.awaitPerson('outline');
    assert.equal(store.handed.at(-1)?.awaiting, 'outline');
    assert.equal(store.handed.at(-1)?.status, 'awaiting');
  });

  it('after a failed write, the stop of the run is still saved', async () => {
    const store = new RecordingStore();
    const { ctx } = context(store);
    store.failing = true;
    ctx.checkpoint();
    await new Promise((r) => setImmediate(r));
    store.failing = false;
    ctx.state.status = 'failed';
    await ctx.savedAfterStop();
    assert.equal(store.handed.at(-1)?.status, 'failed');
    assert.equal(store.written, 1);
    // A write failing again is reported.
    store.failing = true;
    await assert.rejects(ctx.savedAfterStop(), /disk is full/);
  });
});
