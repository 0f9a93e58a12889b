/**
 * The leader pattern of the parallel steps: the leader starts alone, the others when its
 * response begins or when it ends (a failed or instant leader never blocks them); without a
 * leader all start at once; the limit holds; the first error is thrown once all have stopped.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { largest, ledInParallel } from '../../src/core/parallel';

const tick = () => new Promise((r) => setImmediate(r));

test('the leader starts alone and the others start when its response begins', async () => {
  const log: string[] = [];
  let begin: (() => void) | undefined;
  let finishLeader: () => void = () => {};
  const run = ledInParallel(['a', 'b', 'c'], 3, 'b', async (item, onBegin) => {
    log.push(`start ${item}`);
    if (item === 'b') {
      begin = onBegin;
      await new Promise<void>((r) => (finishLeader = r));
    }
    log.push(`end ${item}`);
  });
  await tick();
  await tick();
  assert.deepEqual(log, ['start b'], 'only the leader started');
  assert.ok(begin, 'the leader got the callback');
  begin!();
  await tick();
  await tick();
  assert.deepEqual(log.filter((l) => l.startsWith('start')).sort(), ['start a', 'start b', 'start c']);
  finishLeader();
  await run;
  assert.equal(log.filter((l) => l.startsWith('end')).length, 3);
});

test('a leader that fails before its response begins releases the others, and its error is thrown once all have stopped', async () => {
  const started: string[] = [];
  const ended: string[] = [];
  await assert.rejects(
    ledInParallel([1, 2, 3, 4], 3, 1, async (item) => {
      started.push(String(item));
      if (item === 1) throw new Error('leader failed');
      await tick();
      ended.push(String(item));
    }),
    /leader failed/,
  );
  // The workers waiting for the leader were released and finished their item; no new item was
  // taken after the error.
  assert.deepEqual(started, ['1', '2', '3']);
  assert.deepEqual(ended, ['2', '3']);
});

test('without a leader every item starts at once, and the limit holds', async () => {
  let running = 0;
  let most = 0;
  const seen: Array<(() => void) | undefined> = [];
  await ledInParallel([1, 2, 3, 4, 5], 2, undefined, async (_item, onBegin) => {
    seen.push(onBegin);
    running++;
    most = Math.max(most, running);
    await tick();
    running--;
  });
  assert.equal(most, 2);
  assert.ok(seen.every((f) => f === undefined), 'no item is told to release anything');
});

test('largest picks the first of equals, undefined for none', () => {
  assert.equal(largest([{ n: 1, w: 3 }, { n: 2, w: 5 }, { n: 3, w: 5 }], (x) => x.w)?.n, 2);
  assert.equal(largest([], () => 1), undefined);
});
