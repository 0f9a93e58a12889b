import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTEGRATION_WORDS, MAX_INTEGRATION_PARTS, methodSteps, planIntegration } from '../../src/core/integrationPlan';
import { bundledLibrary } from '../helpers/fakeRun';

const METHOD = [
  'Answer two questions in order.',
  '',
  '## 1. Define the market',
  '- Scope.',
  '',
  '## 2. Market attractiveness',
  '- Size, growth and its drivers, profitability of the segment, the life-cycle stage.',
  '- Country factors: demand outlook, channels, regulation.',
  '',
  '```',
  '## not a step (inside a fence)',
  '```',
  '## 3. Entry mode',
  '- Compare the modes.',
  '',
  '## Conclusion',
  'A clear go / no-go.',
].join('\n');

test("the method's ## steps, in order, fenced headings and the text before the first step left out", () => {
  const steps = methodSteps(METHOD);
  assert.deepEqual(steps.map((s) => s.title), ['1. Define the market', '2. Market attractiveness', '3. Entry mode', 'Conclusion']);
  assert.match(steps[1].text, /```\n## not a step/);
  assert.equal(steps[3].text, 'A clear go / no-go.');
});

test('one part per step, the concluding step kept for the closing part, the length shared out by what the method says', () => {
  const plan = planIntegration(METHOD)!;
  assert.deepEqual(plan.parts.map((p) => p.steps.map((s) => s.title)), [['1. Define the market'], ['2. Market attractiveness'], ['3. Entry mode']]);
  assert.equal(plan.closing.title, 'Conclusion');
  assert.equal(plan.closing.method, 'A clear go / no-go.');
  // The step the method says most about gets the longest part.
  const [define, attractiveness] = plan.parts;
  assert.ok(attractiveness.maxWords > define.maxWords && attractiveness.minWords > define.minWords);
  // Together the parts ask for the length the one-call integration asks for.
  const sum = (k: 'minWords' | 'maxWords') => plan.parts.reduce((n, p) => n + p[k], plan.closing[k]);
  assert.ok(Math.abs(sum('minWords') - INTEGRATION_WORDS.min) <= 40, `min ${sum('minWords')}`);
  assert.ok(Math.abs(sum('maxWords') - INTEGRATION_WORDS.max) <= 40, `max ${sum('maxWords')}`);
});

test('a method without a concluding step gets a closing part of its own; a long method is grouped in order', () => {
  const open = planIntegration('## A\nx\n\n## B\ny\n\n## C. Implications\nz')!;
  assert.equal(open.parts.length, 3);
  assert.equal(open.closing.title, 'Conclusions');
  assert.equal(open.closing.method, '');
  const long = planIntegration(Array.from({ length: 10 }, (_, i) => `## Step ${i + 1}\ntext ${i}`).join('\n\n'))!;
  assert.equal(long.parts.length, MAX_INTEGRATION_PARTS);
  assert.deepEqual(
    long.parts.flatMap((p) => p.steps.map((s) => s.title)),
    Array.from({ length: 10 }, (_, i) => `Step ${i + 1}`),
  );
});

test('a method with fewer than two steps besides its conclusion is integrated by one call', () => {
  assert.equal(planIntegration('Weigh the options and recommend one.'), null);
  assert.equal(planIntegration('## 1. Options\nx\n\n## Recommendation\ny'), null);
});

test('every bundled synthesizer is integrated in parts, each part at least 50 words', async () => {
  const lib = await bundledLibrary();
  for (const s of lib.synthesizers) {
    const plan = planIntegration(s.method);
    assert.ok(plan && plan.parts.length >= 4, s.id);
    for (const p of plan.parts) assert.ok(p.minWords >= 50 && p.maxWords > p.minWords, `${s.id} part ${p.n}`);
  }
});
