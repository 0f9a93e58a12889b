import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSection } from '../../src/core/checks';
import type { TemplateDef } from '../../src/core/library';
import { planSections, pointKey } from '../../src/core/sectionPlan';

const template: TemplateDef = {
  id: 'report',
  name: 'Report',
  description: 'A report.',
  targetWords: 1000,
  guidance: '',
  origin: 'bundled',
  sections: [
    { title: 'Executive summary', guidance: 'The answer.', words: 200, summary: true },
    { title: 'Market', guidance: 'The market.', words: 500 },
    { title: 'Recommendation', guidance: 'What to do.', words: 300 },
  ],
};

const OUTLINE = [
  '# Entering Germany',
  '',
  '## Executive summary',
  '- Enter in 2027 through a distributor [Source: analyst-market]',
  '',
  '## Market',
  '- The segment grows 8% a year to 2030 [S2]',
  '### Demand',
  '- Machine builders in Bavaria buy first',
  '',
  '## Recommendation',
  '- Start with a pilot in Bavaria',
  '',
  '## Sources',
  '- (none)',
].join('\n');

describe('the plan of the sections of the final document', () => {
  it('cuts the outline at its ## headings, in order, and leaves out a sources section', () => {
    const plan = planSections(OUTLINE, template, []);
    assert.equal(plan.title, 'Entering Germany');
    assert.deepEqual(plan.sections.map((s) => s.heading), ['Executive summary', 'Market', 'Recommendation']);
    assert.deepEqual(plan.sections.map((s) => s.index), [0, 1, 2]);
    assert.match(plan.sections[1].outline, /^## Market\n- The segment grows[\s\S]*### Demand\n- Machine builders/);
    assert.deepEqual(plan.sections.map((s) => [s.words, s.summary]), [[200, true], [500, false], [300, false]]);
    assert.equal(plan.sections[2].guidance, 'What to do.');
  });

  it('matches translated headings by position when the counts agree, and shares the words of unknown sections', () => {
    const translated = '## Sintesi\n- a\n\n## Mercato\n- b\n\n## Raccomandazione\n- c\n';
    const plan = planSections(translated, template, []);
    assert.deepEqual(plan.sections.map((s) => [s.heading, s.words, s.summary]), [
      ['Sintesi', 200, true],
      ['Mercato', 500, false],
      ['Raccomandazione', 300, false],
    ]);
    // One more section than the template: only the titles that match keep the template's words.
    const extended = '## Executive summary\n- a\n\n## Market\n- b\n\n## Pricing\n- p\n\n## Recommendation\n- c\n';
    const more = planSections(extended, template, []);
    assert.deepEqual(more.sections.map((s) => [s.heading, s.words]), [
      ['Executive summary', 200],
      ['Market', 500],
      ['Pricing', 150],
      ['Recommendation', 300],
    ]);
    assert.equal(planSections('Just a paragraph, no headings.', template, []).sections.length, 0);
    // A single section is the whole document: nothing to summarize.
    assert.equal(planSections('## Executive summary\n- a', template, []).sections[0].summary, false);
  });

  it('gives each section the citation-map entries of its own points, the others to every section', () => {
    const map = [
      { point: 'The segment grows 8% a year to 2030', sourceIds: ['S2'] },
      { point: 'Machine builders in Bavaria buy first.', sourceIds: ['S3'] },
      { point: 'Recommendation', sourceIds: ['S1'] },
      { point: 'Something the outline does not say', sourceIds: ['S4'] },
    ];
    const plan = planSections(OUTLINE, template, map);
    assert.deepEqual(plan.sections.map((s) => s.citations.map((c) => c.sourceIds[0])), [[], ['S2', 'S3'], ['S1']]);
    assert.deepEqual(plan.unassigned.map((c) => c.sourceIds[0]), ['S4']);
    assert.equal(pointKey('- **The segment** grows [S2] [Source: analyst-market].'), 'the segment grows');
  });
});

describe('the check of one section', () => {
  const registry = [{ id: 'S1', level: 'L0' as const, title: 'a.md' }];
  const text = 'The market grows by an estimated 8% a year, driven by retrofits [S1]. '.repeat(2);
  it('removes a repeated heading and accepts a cited section', () => {
    assert.equal(validateSection(`## Market\n\n${text}`, 'end_turn', registry, true), text.trim());
  });
  for (const [name, answer, stop, mustCite, pattern] of [
    ['a cut answer', text, 'max_tokens', false, /cut off at the maximum output length/],
    ['a frontmatter', `---\ntitle: x\n---\n${text}`, 'end_turn', false, /must not start with a frontmatter/],
    ['an empty section', '## Market\n\n', 'end_turn', false, /empty or far too short/],
    ['a heading of its own', `${text}\n\n## Another section\n\n${text}`, 'end_turn', false, /write no "#" or "##" heading/],
    ['a marker', `${text} [Source: analyst-market]`, 'end_turn', false, /internal markers/],
    ['an unknown source', `${text} [S9]`, 'end_turn', false, /not in the registry: S9/],
    ['no citation where the map has sources', 'The market grows by an estimated 8% a year, driven by retrofits.', 'end_turn', true, /cites no source/],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(() => validateSection(answer, stop, registry, mustCite), pattern);
    });
  }
});
