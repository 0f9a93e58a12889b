/**
 * The keyword fallback measured on decision problems written without reference to the
 * synthesizers' keyword lists (test/fixtures/frameworks/problems.json). The tuning set may be
 * used to adjust the fallback; the held-out set is only measured. Both accuracies are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { keywordScores } from '../../src/core/keywords';
import { loadPromptLibrary } from '../../src/prompts';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Labelled {
  expected: string;
  lang: string;
  problem: string;
}
const DATA = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'frameworks', 'problems.json'), 'utf8')) as {
  tuning: Labelled[];
  heldOut: Labelled[];
};

async function measure(set: Labelled[]): Promise<{ accuracy: number; misses: string[] }> {
  const lib = await loadPromptLibrary({ bundledDir: path.join(ROOT, 'prompts'), workspaceFolders: [], extraFolders: [] });
  const misses: string[] = [];
  for (const { expected, lang, problem } of set) {
    const top = keywordScores(problem, lib.synthesizers, lang)[0];
    if (top.id !== expected) misses.push(`expected ${expected}, got ${top.id} (${top.score}; ${top.reason}): ${problem.slice(0, 80)}`);
  }
  return { accuracy: (set.length - misses.length) / set.length, misses };
}

test('keyword fallback on the tuning set (accuracy printed)', async () => {
  const { accuracy, misses } = await measure(DATA.tuning);
  console.log(`keyword fallback, tuning set: ${(accuracy * 100).toFixed(1)}% of ${DATA.tuning.length}`);
  for (const m of misses) console.log(`  miss: ${m}`);
  // Measured: 33.9% before the fallback was tuned on this set, 85.7% after.
  assert.ok(accuracy >= 0.8, `tuning-set accuracy ${accuracy}`);
});

test('keyword fallback on the held-out set (accuracy printed)', async () => {
  const { accuracy } = await measure(DATA.heldOut);
  console.log(`keyword fallback, held-out set: ${(accuracy * 100).toFixed(1)}% of ${DATA.heldOut.length}`);
  // Measured: 42.9% before the changes to the fallback, 48.2% after. Only the number is printed,
  // so that the misses of this set do not become tuning material.
  assert.ok(accuracy >= 0.45, `held-out accuracy ${accuracy}`);
});
