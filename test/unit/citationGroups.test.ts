import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationGroups, mergeAnswers, MAX_CITATION_GROUPS } from '../../src/core/steps/citationParts';
import { numberedOutline } from '../../src/core/sectionPlan';

const outline = (points: number[]) =>
  ['# Title', '', ...points.flatMap((n, i) => [`## Section ${i + 1}`, ...Array.from({ length: n }, (_, k) => `- Point ${i + 1}.${k + 1}`), ''])].join('\n');

test('the outline in contiguous groups of sections with about as many points each, at most four', () => {
  const groups = citationGroups(numberedOutline(outline([4, 3, 5, 4, 4, 3, 4, 4])).text);
  assert.equal(groups.length, MAX_CITATION_GROUPS);
  // Every section once, in order, each whole (its heading and its points).
  const sections = groups.flatMap((g) => [...g.text.matchAll(/^## \[(P\d+)\]/gm)].map((m) => m[1]));
  assert.deepEqual(sections, ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8']);
  assert.equal(groups.reduce((n, g) => n + g.points, 0), 31);
  for (const g of groups) {
    assert.ok(g.points >= 6 && g.points <= 10, `group ${g.n}: ${g.points} points`);
    const own = new Set([...g.text.matchAll(/^## \[(P\d+)\]/gm)].map((m) => m[1]));
    for (const m of g.text.matchAll(/\[(P\d+)\.\d+\]/g)) assert.ok(own.has(m[1]), `${m[0]} is in its section's group`);
  }
  assert.doesNotMatch(groups.map((g) => g.text).join('\n'), /^# Title/m);
});

test('fewer sections than groups: a group per section; one section: no groups (one call)', () => {
  assert.equal(citationGroups(numberedOutline(outline([2, 3])).text).length, 2);
  assert.deepEqual(citationGroups(numberedOutline(outline([6])).text), []);
  assert.deepEqual(citationGroups('No headings at all.'), []);
});

test('the answers merged: every citation, the gaps ranked by importance, eight at most, queries for the searches allowed', () => {
  const merged = mergeAnswers(
    [
      {
        citations: [{ point: 'P1.1', sourceIds: ['S1'] }],
        gaps: [
          { point: 'P1.2', query: 'q1', importance: 1 },
          { point: 'P1.3', query: 'q2', importance: 2 },
        ],
        factual: false,
      },
      {
        citations: [
          { point: 'P3.1', sourceIds: ['S2'] },
          { point: 'P1.1', sourceIds: ['S3', 'S1'] },
        ],
        gaps: [
          { point: 'P3.2', query: 'q3', importance: 3 },
          { point: 'P3.3', query: '', importance: 3 },
          { point: 'P1.3', query: 'again', importance: 3 },
          ...Array.from({ length: 8 }, (_, i) => ({ point: `P4.${i + 1}`, query: `more ${i}` })),
        ],
        factual: true,
      },
    ],
    3,
  );
  assert.deepEqual(merged.citations, [
    { point: 'P1.1', sourceIds: ['S1', 'S3'] },
    { point: 'P3.1', sourceIds: ['S2'] },
  ]);
  assert.equal(merged.gaps.length, 8);
  assert.deepEqual(merged.gaps.slice(0, 4).map((g) => g.point), ['P3.2', 'P3.3', 'P1.3', 'P4.1']);
  // The most important gaps keep their queries, three in all.
  assert.deepEqual(merged.gaps.filter((g) => g.query).map((g) => g.query), ['q3', 'again', 'more 0']);
  assert.equal(merged.factual, true);
  assert.equal(mergeAnswers([{ citations: [], gaps: [] }], 3).factual, undefined);
  assert.deepEqual(mergeAnswers([{ citations: [], gaps: [{ point: 'P1', query: 'q', importance: 3 }] }], 0).gaps, [{ point: 'P1', query: '', importance: 3 }]);
});
