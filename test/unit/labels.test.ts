import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analystStatusName, runStatusName, stepName, usd, type LabelStrings } from '../../src/shared/labels';
import { RUN_STATUSES, STEPS } from '../../src/shared/workflowNames';

/** Every text is its key: what a label picks is visible. */
const keys: LabelStrings = new Proxy({} as LabelStrings, { get: (_, key) => String(key) });

test('every step and run status has its own label', () => {
  assert.equal(new Set(STEPS.map((s) => stepName(keys, s))).size, STEPS.length);
  assert.equal(new Set(RUN_STATUSES.map((s) => runStatusName(keys, s))).size, RUN_STATUSES.length);
  assert.equal(runStatusName(keys, 'running', true), 'statusInterrupted');
  assert.equal(runStatusName(keys, 'awaiting'), 'statusAwaiting');
});

test('analyst statuses have keys of their own, and Italian makes them agree with "analista"', () => {
  assert.deepEqual(
    (['running', 'done', 'failed'] as const).map((s) => analystStatusName(keys, s)),
    ['analystRunning', 'analystDone', 'analystFailed'],
  );
  // out/test/unit/ -> the project root.
  const italian = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.it.json'), 'utf8')) as Record<string, string>;
  assert.equal(italian['done'], 'completata');
  assert.equal(italian['done/the status of one analyst'], 'completato');
  assert.equal(italian['failed/the status of one analyst'], 'non riuscito');
});

test('money: three decimals under a dollar, two above, four in the run log, never NaN', () => {
  assert.equal(usd(0.0123), '$0.012');
  assert.equal(usd(1.234), '$1.23');
  assert.equal(usd(0.0123, { exact: true }), '$0.0123');
  assert.equal(usd(Number.NaN), '$0.000');
});
