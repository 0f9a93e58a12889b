import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { deepFreeze } from '../../src/core/snapshotParts';
import { createState, type WorkflowState } from '../../src/core/state';
import { prepareCopy, prepareState } from '../../src/core/statePrepare';
import { defaultWorkerFile, PreparerStopped, StatePreparer } from '../../src/core/statePreparer';
import { FileStateStore } from '../../src/core/stateStore';
import { StateStoreError } from '../../src/core/storeErrors';
import { tempDir } from '../helpers/core';

const KEY = 'sk-ant-api03-' + 'A'.repeat(40);

function state(id = 'run-prepare'): WorkflowState {
  return createState({ id, problem: 'Should we open a second bakery in Munich next spring?', now: new Date('2026-11-22T10:00:00.000Z'), demo: true });
}

/** A worker script of the test's own, in a temp folder. */
function script(body: string): string {
  const file = path.join(tempDir('sa-worker-'), 'worker.js');
  writeFileSync(file, body);
  return file;
}

const preparers: StatePreparer[] = [];
function preparer(file: () => string | null = defaultWorkerFile): StatePreparer {
  const p = new StatePreparer(file);
  preparers.push(p);
  return p;
}
after(async () => {
  for (const p of preparers) await p.dispose();
});

describe('state preparer (saves prepared off the run thread)', () => {
  it('finds its worker script next to the compiled code', () => {
    const file = defaultWorkerFile();
    assert.ok(file, 'no worker script found');
    assert.match(file, /lazy[\\/]stateWorker\.js$/);
  });

  it('prepares on the worker what the run thread would have prepared, from the state as it was when asked', async () => {
    const p = preparer();
    assert.equal(await p.started(), true);
    const s = state();
    const snap = p.snapshot(s, []);
    s.problem = 'changed after the snapshot';
    const ready = await snap.prepared();
    assert.equal(p.counts.worker, 1);
    assert.equal(p.counts.thread, 0);
    const expected = prepareState(JSON.stringify(state()), []);
    assert.equal(ready.text, expected.text);
    assert.deepEqual(ready.summary, expected.summary);
    assert.equal(JSON.parse(ready.text).problem, 'Should we open a second bakery in Munich next spring?');
  });

  it('refuses on the worker an invalid state and one holding a configured key, with the store error codes', async () => {
    const p = preparer();
    await p.started();
    const bad = { ...state(), version: 7 };
    await assert.rejects(p.snapshot(bad, []).prepared(), (err: unknown) => err instanceof StateStoreError && err.code === 'invalid-state');
    const withKey = state();
    withKey.problem = `Use ${KEY} for this`;
    await assert.rejects(
      p.snapshot(withKey, [KEY]).prepared(),
      (err: unknown) => err instanceof StateStoreError && err.code === 'secret' && !err.message.includes(KEY),
    );
    // Text that only looks like a key is redacted, and the count comes back.
    const shaped = state();
    shaped.problem = `A page quoted ${KEY} here`;
    const ready = await p.snapshot(shaped, []).prepared();
    assert.equal(ready.redacted, 1);
    assert.ok(!ready.text.includes(KEY));
    assert.equal(p.counts.worker, 3);
  });

  it('a refused snapshot that nobody asks for (superseded by a later one) leaves no unhandled rejection', async () => {
    const p = preparer();
    await p.started();
    p.snapshot({ ...state(), version: 7 }, []);
    // The worker's answer to the next snapshot comes after the refusal of the first.
    await p.snapshot(state(), []).prepared();
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('prepares in the run thread while the worker starts, without a worker script and after the worker failed to start', async () => {
    const starting = preparer();
    const s = state();
    const snap = starting.snapshot(s, []);
    s.problem = 'changed after the snapshot';
    assert.equal(starting.counts.thread, 1);
    assert.equal(JSON.parse((await snap.prepared()).text).problem, 'Should we open a second bakery in Munich next spring?');

    const none = preparer(() => null);
    assert.equal(await none.started(), false);
    assert.equal(JSON.parse((await none.snapshot(state(), []).prepared()).text).id, 'run-prepare');
    assert.equal(none.counts.thread, 1);

    const broken = preparer(() => script('throw new Error("cannot start");'));
    assert.equal(await broken.started(), false);
    assert.equal(JSON.parse((await broken.snapshot(state(), []).prepared()).text).id, 'run-prepare');
    assert.equal(broken.counts.worker, 0);
  });

  it('a copy that is valid only through its JSON (a date object where text is expected) is prepared as JSON has it', () => {
    const s = state() as unknown as { updatedAt: unknown };
    s.updatedAt = new Date('2026-11-22T11:00:00.000Z');
    const ready = prepareCopy(s, []);
    assert.equal(ready.text, prepareState(JSON.stringify(s), []).text);
    assert.equal(JSON.parse(ready.text).updatedAt, '2026-11-22T11:00:00.000Z');
    assert.throws(() => prepareCopy({ ...state(), version: 3 }, []), (err: unknown) => err instanceof StateStoreError && err.code === 'invalid-state');
  });

  it('a value the worker cannot receive is serialized in the run thread, as JSON has it', async () => {
    const p = preparer();
    await p.started();
    const s = state() as WorkflowState & { extra?: unknown };
    s.extra = () => 'a function';
    const ready = await p.snapshot(s, []).prepared();
    assert.equal(p.counts.thread, 1);
    assert.equal(JSON.parse(ready.text).id, 'run-prepare');
  });

  it('a worker that stops before answering loses its snapshots; the store then saves the run state as it is now', async () => {
    // Ready, then gone at the first snapshot.
    const dying = () => script("const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => process.exit(3)); parentPort.postMessage({ ready: true });");
    const p = preparer(dying);
    assert.equal(await p.started(), true);
    await assert.rejects(p.snapshot(state(), []).prepared(), PreparerStopped);
    assert.equal(await p.started(), false);
    // Later snapshots are taken in the run thread.
    assert.equal(JSON.parse((await p.snapshot(state(), []).prepared()).text).id, 'run-prepare');

    const q = preparer(dying);
    await q.started();
    const dir = tempDir('sa-prepare-store-');
    const store = new FileStateStore(dir, { preparer: q, secrets: () => [] });
    const s = state('run-stopped-worker');
    const saving = store.save(s);
    s.title = 'newer than the lost snapshot';
    await saving;
    const written = JSON.parse(readFileSync(store.statePath('run-stopped-worker'), 'utf8'));
    assert.equal(written.title, 'newer than the lost snapshot');
    assert.equal((await store.load('run-stopped-worker')).state.title, 'newer than the lost snapshot');
  });

  it('parts new to the worker follow their snapshot at the next turn; snapshots naming them wait for them, in order', async () => {
    // The real worker, with each message it receives written down first.
    const log = path.join(tempDir('sa-worker-log-'), 'messages.txt');
    const worker = defaultWorkerFile()!;
    const logging = () =>
      script(
        `const { appendFileSync } = require('node:fs'); const { parentPort } = require('node:worker_threads');\n` +
          `parentPort.on('message', (m) => appendFileSync(${JSON.stringify(log)}, ('parts' in m ? 'parts ' + m.parts.length : 'snapshot ' + m.fresh.length + ' after ' + m.after) + '\\n'));\n` +
          `require(${JSON.stringify(worker)});`,
      );
    const p = preparer(logging);
    assert.equal(await p.started(), true);
    const s = state('run-parts-follow');
    const record = (key: string): WorkflowState['calls'][number] =>
      deepFreeze({ key, step: 'parse', model: 'claude-sonnet-4-5', usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, costUsd: 0.001, durationMs: 5, stopReason: 'end_turn', at: s.createdAt, text: `answer ${key}` });
    s.calls.push(record('parse'), record('source-need'));
    const first = p.snapshot(s, []);
    const asFirst = JSON.stringify(s);
    // Named before its parts are there: it waits for them.
    s.title = 'a second snapshot';
    const second = p.snapshot(s, []);
    const asSecond = JSON.stringify(s);
    const written = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    assert.equal(written().includes('parts'), false, 'the parts went with the snapshot');
    assert.equal((await first.prepared()).text, prepareState(asFirst, []).text);
    assert.equal((await second.prepared()).text, prepareState(asSecond, []).text);
    s.calls.push(record('clarify'));
    const third = p.snapshot(s, []);
    assert.equal((await third.prepared()).text, prepareState(JSON.stringify(s), []).text);
    assert.deepEqual(written().trim().split('\n'), ['snapshot 0 after 1', 'snapshot 0 after 1', 'parts 1', 'snapshot 0 after 2', 'parts 1']);
    assert.equal(p.counts.thread, 0);
  });

  it('a part the worker cannot receive loses the snapshots naming it; saves are then taken in the run thread', async () => {
    const p = preparer();
    await p.started();
    const dir = tempDir('sa-prepare-store-');
    const store = new FileStateStore(dir, { preparer: p, secrets: () => [] });
    const s = state('run-part-not-cloned');
    s.calls.push(deepFreeze({ key: 'parse', step: 'parse', model: 'm', usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, costUsd: 0, durationMs: 1, stopReason: null, at: s.createdAt, text: 'x', extra: () => 'a function' } as unknown as WorkflowState['calls'][number]));
    await store.save(s);
    assert.equal(await p.started(), false, 'the worker is still used');
    assert.equal((await store.load('run-part-not-cloned')).state.calls[0].key, 'parse');
    assert.equal(p.counts.thread, 1);
  });

  it('the store saves through the worker, and a later invalid snapshot fails only its own save', async () => {
    const p = preparer();
    await p.started();
    const dir = tempDir('sa-prepare-store-');
    const store = new FileStateStore(dir, { preparer: p, secrets: () => [] });
    const s = state('run-through-worker');
    const first = store.save(s);
    const invalid = store.save({ ...s, version: 9 } as unknown as WorkflowState);
    await first;
    await assert.rejects(invalid, (err: unknown) => err instanceof StateStoreError && err.code === 'invalid-state');
    assert.equal((await store.load('run-through-worker')).state.id, 'run-through-worker');
    assert.ok(p.counts.worker >= 2);
  });
});
