import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outlineSections, prose, realisticResponder, ANALYST_TOKENS, REALISTIC_TEMPLATE } from '../../bench/realistic';
import { validateAnalystOutput } from '../../src/core/checks';
import { planIntegration } from '../../src/core/integrationPlan';
import { templateSections } from '../../src/core/promptText';
import { bundledLibrary } from '../helpers/fakeRun';

async function answer(step: string, label: string, system: string, user = ''): Promise<string> {
  const out = await realisticResponder({
    body: {},
    model: 'claude-sonnet-5-5',
    system,
    lastUserText: `<!-- task: ${step}/${label} -->\n${user}`,
    task: { step, label },
    maxTokens: 64000,
    stream: true,
    index: 0,
    citables: [],
  });
  return typeof out === 'string' ? out : (out.text ?? out.blocks.map((b) => b.text).join(''));
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the realistic-length scenario of the benchmark', () => {
  it('writes prose of the asked number of words, citing what it is given', () => {
    const text = prose(300, 1, ['S1', 'S2']);
    assert.ok(Math.abs(words(text) - 300) < 40, `${words(text)} words`);
    assert.match(text, /\[S1\]|\[S2\]/);
    assert.doesNotMatch(prose(100, 2), /\[S\d+\]/);
  });

  it('answers each step at the length its prompt asks for, and the answers pass the gates', async () => {
    const lib = await bundledLibrary();
    const template = lib.templates.find((t) => t.id === REALISTIC_TEMPLATE)!;

    const analyst = await answer('analysts', 'analyst:market', '', 'Your frontmatter must also include: market_size_estimates.');
    assert.ok(Math.abs(analyst.length / 4 - ANALYST_TOKENS) < 20, `${analyst.length / 4} tokens`);
    validateAnalystOutput(analyst, 'market', ['market_size_estimates'], 'end_turn');

    const integrationPrompt = lib.render('integration', {
      language_name: 'English',
      synthesizer_name: 'Market entry',
      synthesizer_method: 'Size the market.',
      analyst_outputs: '<analyst id="market">\nfindings\n</analyst>\n<analyst id="risk">\nfindings\n</analyst>',
    });
    const integration = await answer('integrate', 'integration', integrationPrompt);
    // The prompt asks for 1,200 to 2,500 words: the middle of the range.
    assert.ok(Math.abs(words(integration) - 1850) < 150, `${words(integration)} words`);
    assert.match(integration, /\[Source: analyst-risk\]/);

    // Written in parts: each part at the middle of the range its own instructions ask for,
    // together the length of the one-call integration, every part with its markers.
    const method = lib.synthesizers.find((x) => x.id === 'market-entry')!.method;
    const plan = planIntegration(method)!;
    const frame = lib.render('integration-frame', {
      language_name: 'English',
      synthesizer_name: 'Market entry',
      synthesizer_method: method,
      analyst_outputs: '<analyst id="market">\nfindings\n</analyst>\n<analyst id="risk">\nfindings\n</analyst>',
    });
    const partsOf = [] as string[];
    for (const p of plan.parts) {
      const own = lib.render('integration-part', {
        language_name: 'English',
        part_number: String(p.n),
        part_count: String(plan.parts.length),
        part_steps: p.steps.map((x) => `## ${x.title}\n${x.text}`).join('\n\n'),
        other_parts: '- (the others)',
        part_min_words: String(p.minWords),
        part_max_words: String(p.maxWords),
      });
      const part = await answer('integrate', `integration:part:${p.n}`, frame, own);
      assert.ok(part.startsWith(`## ${p.steps[0].title}\n`), part.slice(0, 60));
      assert.ok(Math.abs(words(part) - (p.minWords + p.maxWords) / 2) < 40, `part ${p.n}: ${words(part)} words`);
      assert.match(part, /\[Source: analyst-market\]/);
      partsOf.push(part);
    }
    const closingOwn = lib.render('integration-closing', {
      language_name: 'English',
      closing_heading: plan.closing.title,
      closing_method: plan.closing.method,
      written_parts: partsOf.join('\n\n'),
      part_min_words: String(plan.closing.minWords),
      part_max_words: String(plan.closing.maxWords),
    });
    const closing = await answer('integrate', 'integration:closing', frame, closingOwn);
    assert.ok(closing.startsWith(`## ${plan.closing.title}\n`));
    assert.ok(Math.abs(words([...partsOf, closing].join('\n\n')) - 1850) < 150, `${words([...partsOf, closing].join(' '))} words in parts`);

    const outlinePrompt = lib.render('outline', {
      language_name: 'English',
      template_name: template.name,
      template_sections: templateSections(template),
      integration,
      previous_outline: '(none)',
      feedback_history: '(none)',
    });
    const outline = await answer('outline', 'outline:1', outlinePrompt);
    const sections = outlineSections(outline);
    assert.deepEqual(sections.map((s) => s.heading), template.sections.map((s) => s.title));
    // "write 2 to 6 bullets": four per section.
    assert.ok(sections.every((s) => s.points.length === 4));

    const fulltextPrompt = lib.render('fulltext', {
      language_name: 'English',
      template_name: template.name,
      template_sections: templateSections(template),
      target_words: String(template.targetWords),
      outline,
      citation_map: sections.map((s) => `- ${s.points[0]}: [S1][S2]`).join('\n'),
      source_registry: '- [S1] (L0) a.md\n- [S2] (L1) b',
      integration,
      output_rules: '',
    });
    const document = await answer('fulltext', 'fulltext', fulltextPrompt);
    assert.ok(Math.abs(words(document) - template.targetWords) / template.targetWords < 0.1, `${words(document)} words`);
    assert.match(document, /\[S1\]/);
  });
});
