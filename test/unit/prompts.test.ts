import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadPromptLibrary, parseStepPrompt, PromptTemplate, STEP_PROMPT_PLACEHOLDERS } from '../../src/prompts';
import { STEP_PROMPT_IDS, type PromptLibrary, type StepPromptVars } from '../../src/core/library';
import { AnalystFrontmatter } from '../../src/core/state';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUNDLED = path.join(ROOT, 'prompts');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'prompts');

async function bundledOnly(): Promise<PromptLibrary> {
  return loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [], extraFolders: [] });
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'sa-prompts-'));
}

async function write(root: string, rel: string, text: string): Promise<string> {
  const file = path.join(root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text, 'utf8');
  return file;
}

/** Realistic values for every step prompt, as the core would format them. */
function realisticVars(lib: PromptLibrary): { [K in keyof StepPromptVars]: StepPromptVars[K] } {
  const synth = lib.synthesizers.find((s) => s.id === 'market-entry')!;
  const template = lib.templates.find((t) => t.id === 'full-report')!;
  const analyst = lib.analysts.find((a) => a.id === 'market')!;
  const language_name = 'Italian';
  const sections = template.sections.map((s, i) => `${i + 1}. ${s.title} (about ${s.words} words): ${s.guidance}`).join('\n');
  const registry = [
    '- [S1] (L0) Piano industriale 2026 (context document: piano-2026.md)',
    '- [S2] (L1, named by the market analyst) Eurostat — Enterprise statistics by size class <https://ec.europa.eu/eurostat>',
    '- [S3] (L2, 2026-05-02) Italian SME software adoption survey <https://example.org/survey>',
  ].join('\n');
  const outline = '# Ingresso nel mercato tedesco\n\n## Sintesi\n- Il mercato tedesco vale 1,2–1,6 mld EUR [Source: analyst-market]\n';
  return {
    'shared-context': {
      problem: 'Dobbiamo entrare nel mercato tedesco del software gestionale per PMI entro il 2027? Budget {{max}} 3 mln EUR.',
      language_name,
      today: '2026-11-22',
      context_documents: '<document title="Piano industriale 2026" source="S1">\n## Piano industriale 2026 [S1]\n\nRicavi 2025: 18 mln EUR.\n</document>',
      clarifications: '- Q: Il budget include le assunzioni?\n  A: Sì.',
    },
    parse: {
      language_name,
      synthesizer_catalog: lib.synthesizers.map((s) => `- \`${s.id}\` — ${s.name}: ${s.description}`).join('\n'),
      template_catalog: lib.templates.map((t) => `- \`${t.id}\` — ${t.name} (about ${t.targetWords} words)`).join('\n'),
    },
    'source-need': { language_name, today: '2026-11-22' },
    clarify: {
      language_name,
      candidates: '- `market-entry` (0.78): Market entry\n- `strategic-decision` (0.71): Strategic decision',
    },
    proposal: {
      language_name,
      synthesizer_name: synth.name,
      synthesizer_method: synth.method,
      template_name: template.name,
      analyst_catalog: lib.analysts.map((a) => `- \`${a.id}\` — ${a.name}: ${a.description}`).join('\n'),
      default_analysts: synth.defaultAnalysts.join(', '),
    },
    'analyst-frame': {
      language_name,
      synthesizer_name: synth.name,
      output_rules: lib.render('output-rules', { language_name }),
    },
    analyst: {
      analyst_name: analyst.name,
      analyst_focus: analyst.focus,
      analyst_method: analyst.method,
      required_fields: analyst.requiredFields.join(', '),
    },
    integration: {
      language_name,
      synthesizer_name: synth.name,
      synthesizer_method: synth.method,
      analyst_outputs: '<analyst id="market">\nKey findings:\n  - Il mercato cresce del 7% annuo.\n</analyst>',
    },
    'integration-frame': {
      language_name,
      synthesizer_name: synth.name,
      synthesizer_method: synth.method,
      analyst_outputs: '<analyst id="market">\nKey findings:\n  - Il mercato cresce del 7% annuo.\n</analyst>',
    },
    'integration-part': {
      language_name,
      part_number: '2',
      part_count: '6',
      part_steps: '## 2. Market attractiveness\n- Size (TAM/SAM/SOM), growth and its drivers.',
      other_parts: '- Part 1: 1. Define the target market and the ambition\n- The closing part, written last from the other parts: Conclusion',
      part_min_words: '200',
      part_max_words: '410',
    },
    'integration-closing': {
      language_name,
      closing_heading: 'Conclusion',
      closing_method: 'A clear go / no-go / go-with-conditions, the recommended market and mode, and the first 90 days.',
      written_parts: '## 2. Attrattività del mercato\nIl mercato è attraente [Source: analyst-market].',
      part_min_words: '240',
      part_max_words: '500',
    },
    outline: {
      language_name,
      template_name: template.name,
      template_sections: sections,
      integration: '## Sintesi\nIl mercato è attraente [Source: analyst-market].',
      previous_outline: '(none)',
      feedback_history: '(none)',
    },
    citations: { language_name, outline, source_registry: registry, max_searches: '3' },
    'citations-frame': { language_name, outline, source_registry: registry, max_searches: '3' },
    'citations-part': {
      part_number: '2',
      part_count: '4',
      part_points: '## [P3] Mercato e contesto esterno\n- [P3.1] Il mercato tedesco vale 1,2–1,6 mld EUR\n- [P3.2] Cresce del 7% annuo',
      max_gaps: '3',
    },
    fulltext: {
      language_name,
      template_name: template.name,
      template_sections: sections,
      target_words: String(template.targetWords),
      outline,
      citation_map: '- Il mercato tedesco vale 1,2–1,6 mld EUR: [S2][S3]',
      source_registry: registry,
      integration: '## Sintesi\nIl mercato è attraente [Source: analyst-market].',
      output_rules: lib.render('output-rules', { language_name }),
    },
    'fulltext-frame': {
      language_name,
      template_name: template.name,
      template_sections: sections,
      target_words: String(template.targetWords),
      outline,
      citation_map: '- Il mercato tedesco vale 1,2–1,6 mld EUR: [S2][S3]',
      source_registry: registry,
      integration: '## Sintesi\nIl mercato è attraente [Source: analyst-market].',
      output_rules: lib.render('output-rules', { language_name }),
    },
    'fulltext-section': {
      section_number: '3',
      section_count: '8',
      section_heading: 'Mercato e contesto esterno',
      section_words: '700',
      section_guidance: template.sections[2].guidance,
      section_outline: '## Mercato e contesto esterno\n- Il mercato tedesco vale 1,2–1,6 mld EUR',
      section_evidence: '- Point: Il mercato tedesco vale 1,2–1,6 mld EUR\n  Sources: [S2][S3]',
      neighbours: 'Before yours: section 2, "Contesto e perimetro"\n\nAfter yours: section 4, "Posizione competitiva"',
    },
    'fulltext-summary': {
      section_heading: 'Sintesi',
      section_words: '400',
      section_guidance: template.sections[0].guidance,
      section_outline: '## Sintesi\n- Il mercato tedesco vale 1,2–1,6 mld EUR',
      section_evidence: '- Point: Il mercato tedesco vale 1,2–1,6 mld EUR\n  Sources: [S2]',
      written_sections: '## Mercato e contesto esterno\n\nIl mercato vale 1,2–1,6 mld EUR [S2].',
    },
    'output-rules': { language_name },
  };
}

// ---------------------------------------------------------------------------------------------
// The bundled library

test('the bundled library loads without problems, with the expected counts', async () => {
  const lib = await bundledOnly();
  assert.deepEqual(lib.problems, []);
  assert.ok(lib.synthesizers.length >= 6, `synthesizers: ${lib.synthesizers.length}`);
  assert.ok(lib.analysts.length >= 8, `analysts: ${lib.analysts.length}`);
  assert.ok(lib.templates.length >= 3, `templates: ${lib.templates.length}`);
  for (const id of ['strategic-decision', 'market-entry', 'competitive-landscape', 'business-case', 'risk-scenarios', 'operating-model']) {
    assert.ok(lib.synthesizers.some((s) => s.id === id), `synthesizer ${id}`);
  }
  for (const id of ['market', 'competition', 'financial', 'customer', 'technology', 'regulatory', 'operations', 'risk']) {
    assert.ok(lib.analysts.some((a) => a.id === id), `analyst ${id}`);
  }
  for (const id of ['executive-brief', 'full-report', 'decision-memo']) {
    assert.ok(lib.templates.some((t) => t.id === id), `template ${id}`);
  }
});

test('every bundled synthesizer has every field, with real content and valid references', async () => {
  const lib = await bundledOnly();
  const analystIds = new Set(lib.analysts.map((a) => a.id));
  const templateIds = new Set(lib.templates.map((t) => t.id));
  for (const s of lib.synthesizers) {
    assert.equal(s.origin, 'bundled');
    for (const field of ['name', 'description', 'whenToUse', 'whenNotToUse'] as const) {
      assert.ok(s[field].trim().length > 10, `${s.id}.${field}`);
    }
    assert.ok(s.keywords.en.length >= 8, `${s.id} en keywords`);
    assert.ok(s.keywords.it.length >= 8, `${s.id} it keywords`);
    assert.ok(s.defaultAnalysts.length >= 3 && s.defaultAnalysts.every((a) => analystIds.has(a)), `${s.id} analysts`);
    assert.ok(s.templates.length >= 1 && s.templates.every((t) => templateIds.has(t)), `${s.id} templates`);
    assert.ok(s.method.split(/\s+/).length > 250, `${s.id} method is substantial`);
    assert.match(s.method, /^#+ /m, `${s.id} method has headings`);
  }
});

test('every bundled analyst has every field, and its method describes each required field', async () => {
  const lib = await bundledOnly();
  for (const a of lib.analysts) {
    assert.equal(a.origin, 'bundled');
    for (const field of ['name', 'description', 'focus'] as const) assert.ok(a[field].trim().length > 10, `${a.id}.${field}`);
    assert.ok(a.requiredFields.length >= 1, `${a.id} required fields`);
    for (const f of a.requiredFields) assert.ok(a.method.includes(`\`${f}\``), `${a.id} method explains ${f}`);
    assert.ok(a.method.split(/\s+/).length > 200, `${a.id} method is substantial`);
  }
});

test('every bundled template has sections whose words add up to its target', async () => {
  const lib = await bundledOnly();
  for (const t of lib.templates) {
    assert.ok(t.sections.length >= 3, `${t.id} sections`);
    for (const s of t.sections) {
      assert.ok(s.title && s.guidance.length > 30, `${t.id}/${s.title}`);
      assert.ok(typeof s.words === 'number' && s.words > 0, `${t.id}/${s.title} words`);
    }
    const sum = t.sections.reduce((n, s) => n + (s.words ?? 0), 0);
    assert.ok(Math.abs(sum - t.targetWords) / t.targetWords <= 0.1, `${t.id}: sections ${sum} vs target ${t.targetWords}`);
    assert.ok(t.guidance.length > 50, `${t.id} guidance`);
  }
});

test('every step prompt uses exactly its placeholders and renders with realistic values', async () => {
  const lib = await bundledOnly();
  const vars = realisticVars(lib);
  for (const id of STEP_PROMPT_IDS) {
    const file = path.join(BUNDLED, 'steps', `${id}.md`);
    const template = parseStepPrompt(id, await fs.readFile(file, 'utf8'));
    assert.deepEqual([...template.placeholders].sort(), [...STEP_PROMPT_PLACEHOLDERS[id]].sort(), id);
    // The analyst's own part is always sent after the shared analyst frame, and a section
    // writer's after the section frame: check them together.
    const own = lib.render(id, vars[id] as never);
    const frame =
      id === 'analyst'
        ? 'analyst-frame'
        : id === 'fulltext-section' || id === 'fulltext-summary'
          ? 'fulltext-frame'
          : id === 'integration-part' || id === 'integration-closing'
            ? 'integration-frame'
            : id === 'citations-part'
              ? 'citations-frame'
              : null;
    const text = frame ? lib.render(frame, vars[frame] as never) + own : own;
    assert.ok(own.length > 200 && text.length > 400, `${id} renders to real text`);
    assert.doesNotMatch(text.replace(/\{\{max\}\}/g, ''), /\{\{\s*[\w.-]+\s*\}\}/, `${id}: no placeholder left`);
    assert.ok(text.includes('Italian'), `${id} states the output language`);
  }
});

test('the JSON steps show the exact answer shape the core parses, in a json fence', async () => {
  const lib = await bundledOnly();
  const vars = realisticVars(lib);
  const expectations: Array<[keyof StepPromptVars, string[]]> = [
    ['parse', ['"title"', '"synthesizers"', '"id"', '"score"', '"reason"', '"template"', '"language"', '"factual"']],
    ['source-need', ['"need"', '"rationale"', '"high"']],
    ['clarify', ['"questions"', '"id"', '"question"']],
    ['proposal', ['"analysts"', '"rationale"']],
    ['citations', ['"citations"', '"point"', '"sourceIds"', '"gaps"', '"query"', '"factual"']],
    ['citations-frame', ['"citations"', '"point"', '"sourceIds"', '"gaps"', '"query"', '"importance"', '"factual"']],
  ];
  for (const [id, keys] of expectations) {
    const text = lib.render(id, vars[id] as never);
    const fence = /```json\n([\s\S]*?)```/.exec(text);
    assert.ok(fence, `${id} has a json example`);
    assert.doesNotThrow(() => JSON.parse(fence[1]), `${id} example is valid JSON`);
    for (const key of keys) assert.ok(fence[1].includes(key), `${id} example has ${key}`);
    assert.match(text, /one JSON\s+object in a\s+```json fenced/, `${id} asks for one fenced JSON object`);
  }
  const clarify = lib.render('clarify', vars.clarify);
  assert.match(clarify, /between 1 and 3 questions/);
  const citations = lib.render('citations', vars.citations);
  assert.match(citations, /give a search query to at most 3 gaps/);
  assert.match(citations, /language most likely to find good sources/);
});

test('the writing steps state the citation and marker conventions', async () => {
  const lib = await bundledOnly();
  const vars = realisticVars(lib);
  const rules = lib.render('output-rules', vars['output-rules']);
  assert.match(rules, /citing the passage it comes from/);
  assert.match(rules, /`\[S1\]`, only for a source the registry says to cite by id/);
  const full = lib.render('fulltext', vars.fulltext);
  assert.match(full, /never keep a\s+`\[Source: \.\.\.\]` marker/);
  assert.match(full, /No frontmatter/);
  assert.match(full, /no bibliography/);
  const integration = lib.render('integration', vars.integration);
  assert.ok(integration.includes('[Source: analyst-market]') && integration.includes('`[S2]`'));
  // The parts of an integration written in parts keep the same markers (their shared frame).
  const integrationFrame = lib.render('integration-frame', vars['integration-frame']);
  assert.ok(integrationFrame.includes('[Source: analyst-market]') && integrationFrame.includes('`[S2]`'));
  assert.match(lib.render('integration-part', vars['integration-part']), /Keep the provenance markers/);
  assert.match(lib.render('integration-closing', vars['integration-closing']), /keep its provenance markers/);
  const analyst = lib.render('analyst-frame', vars['analyst-frame']) + lib.render('analyst', vars.analyst);
  for (const key of ['analyst', 'key_findings', 'confidence', 'sources', 'assumptions', 'open_questions']) {
    assert.ok(analyst.includes(`\`${key}\``), `analyst prompt names ${key}`);
  }
  assert.ok(analyst.includes('market_size_estimates, growth_drivers'));
  assert.match(analyst, /Never invent a source, a URL or a quote/);
  assert.match(analyst, /\{title, url, quote\}/);
});

test("the analyst prompt's example frontmatter satisfies the core's analyst schema", async () => {
  const lib = await bundledOnly();
  const text = lib.render('analyst-frame', realisticVars(lib)['analyst-frame']);
  const example = /```markdown\n---\n([\s\S]*?)\n---/.exec(text);
  assert.ok(example, 'the analyst prompt shows an example');
  const parsed = AnalystFrontmatter.safeParse(parseYaml(example[1]));
  assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
});

test('render rejects a missing, extra or non-string value, naming the prompt and placeholder', async () => {
  const lib = await bundledOnly();
  const vars = realisticVars(lib);
  const { today: _today, ...withoutToday } = vars['source-need'];
  assert.throws(() => lib.render('source-need', withoutToday as never), /step prompt "source-need".*\{\{today\}\}/);
  assert.throws(
    () => lib.render('source-need', { ...vars['source-need'], problem: 'x' } as never),
    /step prompt "source-need" has no placeholder \{\{problem\}\}/,
  );
  assert.throws(
    () => lib.render('output-rules', { language_name: 3 } as never),
    /\{\{language_name\}\} of the step prompt "output-rules" must be a string/,
  );
});

test('a value containing braces is inserted as is, not substituted again', () => {
  const t = new PromptTemplate('test prompt', 'A {{a}} B {{b}}');
  assert.equal(t.render({ a: '{{b}}', b: 'x' }), 'A {{b}} B x');
});

test('a step prompt with an unknown or unused placeholder is rejected', () => {
  const header = '---\ndescription: test\n---\n';
  assert.throws(
    () => parseStepPrompt('clarify', `${header}Ask in {{language_name}} about {{candidates}} and {{problem}}.`),
    /step prompt "clarify" uses the unknown placeholder \{\{problem\}\}/,
  );
  assert.throws(() => parseStepPrompt('clarify', `${header}Ask in {{language_name}}.`), /never uses the placeholder \{\{candidates\}\}/);
});

test('a missing bundled step prompt makes loading fail with a clear message', async () => {
  const dir = await tempDir();
  for (const id of STEP_PROMPT_IDS.filter((i) => i !== 'outline')) {
    await fs.copyFile(path.join(BUNDLED, 'steps', `${id}.md`), await write(dir, `steps/${id}.md`, ''));
  }
  await assert.rejects(
    loadPromptLibrary({ bundledDir: dir, workspaceFolders: [], extraFolders: [] }),
    /bundled step prompt "outline" is missing/,
  );
});

// ---------------------------------------------------------------------------------------------
// The person's own definitions

async function fixtureLibrary(): Promise<PromptLibrary> {
  return loadPromptLibrary({
    bundledDir: BUNDLED,
    workspaceFolders: [path.join(FIXTURES, 'workspace')],
    extraFolders: [path.join(FIXTURES, 'team-library')],
  });
}

test('a workspace definition overrides the bundled one of the same id', async () => {
  const lib = await fixtureLibrary();
  const decision = lib.synthesizers.find((s) => s.id === 'strategic-decision')!;
  assert.equal(decision.name, 'Strategic decision (team method)');
  assert.match(decision.method, /weights 50\/30\/20/);
  assert.equal(decision.origin, path.join(FIXTURES, 'team-library', 'synthesizers', 'strategic-decision.md'));
  assert.deepEqual(decision.defaultAnalysts, ['financial', 'risk']);
  assert.ok(lib.problems.some((p) => p.path.endsWith('strategic-decision.md') && /unknown analysts: ghost-analyst/.test(p.message)));

  const regulatory = lib.analysts.find((a) => a.id === 'regulatory')!;
  assert.equal(regulatory.name, 'Regulatory Analyst (in-house)');
  assert.equal(regulatory.origin, path.join(FIXTURES, 'workspace', '.claude', 'agents', 'regulatory', 'AGENT.md'));
  assert.deepEqual(regulatory.requiredFields, ['regulatory_requirements', 'compliance_risk']);

  assert.ok(lib.analysts.some((a) => a.id === 'esg' && a.requiredFields[0] === 'material_issues'));
  assert.ok(lib.templates.some((t) => t.id === 'one-pager' && t.targetWords === 450 && t.sections.length === 3));
  // The bundled ones that were not overridden are still there, once each.
  assert.equal(lib.synthesizers.filter((s) => s.id === 'market-entry').length, 1);
  assert.equal(lib.analysts.filter((a) => a.id === 'market').length, 1);
});

test("Claude Code's agent layout maps to analysts, inheriting what a file leaves out", async () => {
  const lib = await fixtureLibrary();
  const market = lib.analysts.find((a) => a.id === 'market')!;
  assert.equal(market.origin, path.join(FIXTURES, 'workspace', '.claude', 'agents', 'market.md'));
  assert.match(market.description, /CRM data/);
  assert.match(market.method, /bottom-up from the number of Italian companies/);
  // focus and required fields come from the bundled market analyst it replaces
  assert.deepEqual(market.requiredFields, ['market_size_estimates', 'growth_drivers']);
  assert.match(market.focus, /how big the relevant market is/i);

  const pricing = lib.analysts.find((a) => a.id === 'pricing-analyst')!;
  assert.equal(pricing.focus, pricing.description);
  assert.deepEqual(pricing.requiredFields, []);
  assert.match(pricing.method, /price architecture/);
});

test('a skill with synthesizer fields becomes a synthesizer; an ordinary skill is left out', async () => {
  const lib = await fixtureLibrary();
  const pricing = lib.synthesizers.find((s) => s.id === 'pricing-strategy')!;
  assert.ok(pricing, 'pricing-strategy is loaded');
  assert.deepEqual(pricing.defaultAnalysts, ['customer', 'competition', 'financial', 'pricing-analyst']);
  assert.deepEqual(pricing.templates, ['decision-memo', 'executive-brief']);
  assert.deepEqual(pricing.keywords.it, ['prezzi', 'aumento dei prezzi', 'disponibilità a pagare', 'sconti']);
  assert.ok(!lib.synthesizers.some((s) => s.id === 'unrelated-notes'));
  assert.ok(!lib.problems.some((p) => p.path.includes('unrelated-notes')));
});

test('malformed files become problems with reasons and lines, and the valid ones still load', async () => {
  const lib = await fixtureLibrary();
  const problem = (suffix: string) => lib.problems.filter((p) => p.path.endsWith(suffix));

  const broken = problem(path.join('agents', 'broken.md'));
  assert.equal(broken.length, 1);
  assert.match(broken[0].message, /^Invalid YAML in the frontmatter at line 4, column \d+: .*not closed.*"\]"/);
  assert.ok(!broken[0].message.includes('\n'), 'one line');
  assert.equal(broken[0].line, 4);

  const nameless = problem('nameless.md');
  assert.equal(nameless.length, 1);
  assert.match(nameless[0].message, /"name" is missing/);

  const missing = problem('missing-fields.md');
  assert.equal(missing.length, 1);
  assert.match(missing[0].message, /"when_to_use" is missing/);

  const badWords = problem('bad-words.md');
  assert.equal(badWords.length, 1);
  assert.match(badWords[0].message, /"target_words" is invalid/);
  assert.equal(badWords[0].line, 4);

  // A step override with an unknown placeholder is refused; a valid one is used.
  const clarify = problem(path.join('steps', 'clarify.md'));
  assert.equal(clarify.length, 1);
  assert.match(clarify[0].message, /unknown placeholder \{\{problem\}\}/);
  assert.match(lib.render('source-need', { language_name: 'English', today: '2026-11-22' }), /Our team policy/);
  assert.match(lib.render('clarify', { language_name: 'English', candidates: '-' }), /discriminate/);

  assert.ok(!lib.synthesizers.some((s) => s.id === 'missing-fields'));
  assert.ok(!lib.templates.some((t) => t.id === 'bad-words'));
  assert.ok(!lib.analysts.some((a) => a.id === 'broken' || a.id === 'nameless'));
  assert.ok(lib.synthesizers.length >= 7 && lib.analysts.length >= 10);
});

test('other malformed definitions: no frontmatter, unclosed frontmatter, empty body, bad ids and fields', async () => {
  const dir = await tempDir();
  const files = {
    noFrontmatter: await write(dir, 'analysts/plain.md', '# Just a heading\nNo frontmatter here.\n'),
    unclosed: await write(dir, 'analysts/unclosed.md', '---\nname: X\ndescription: Y\n'),
    emptyBody: await write(dir, 'analysts/empty.md', '---\nname: Empty\ndescription: An analyst.\nfocus: Nothing.\nrequired_fields: []\n---\n\n'),
    badField: await write(
      dir,
      'analysts/bad-field.md',
      '---\nname: Bad\ndescription: An analyst.\nfocus: Things.\nrequired_fields:\n  - Market Size\n---\nMethod.\n',
    ),
    commonField: await write(
      dir,
      'analysts/common-field.md',
      '---\nname: Common\ndescription: An analyst.\nfocus: Things.\nrequired_fields: [key_findings]\n---\nMethod.\n',
    ),
    badId: await write(dir, 'analysts/Bad Name!.md', '---\nname: X\ndescription: Y\nfocus: Z\nrequired_fields: []\n---\nMethod.\n'),
    notMap: await write(dir, 'templates/list.md', '---\n- a\n- b\n---\nBody.\n'),
    noItalian: await write(
      dir,
      'synthesizers/english-only.md',
      '---\nname: E\ndescription: D\nwhen_to_use: W\nwhen_not_to_use: N\nkeywords:\n  en: [a]\ndefault_analysts: [market]\ntemplates: [full-report]\n---\nMethod.\n',
    ),
    unknownStep: await write(dir, 'steps/summary.md', '---\ndescription: x\n---\nText {{language_name}}\n'),
    good: await write(dir, 'analysts/good.md', '---\nname: Good\ndescription: An analyst.\nfocus: Things.\nrequired_fields: []\n---\nMethod.\n'),
  };
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [], extraFolders: [dir] });
  const byPath = (file: string) => lib.problems.find((p) => p.path === file);
  assert.match(byPath(files.noFrontmatter)!.message, /must start with YAML frontmatter/);
  assert.equal(byPath(files.noFrontmatter)!.line, 1);
  assert.match(byPath(files.unclosed)!.message, /not closed/);
  assert.match(byPath(files.emptyBody)!.message, /no method after the frontmatter/);
  assert.match(byPath(files.badField)!.message, /required_fields\[0\]" is invalid: required field names must be snake_case/);
  assert.equal(byPath(files.badField)!.line, 5);
  assert.match(byPath(files.commonField)!.message, /already part of every analyst output/);
  assert.match(byPath(files.badId)!.message, /cannot be used as an id/);
  assert.match(byPath(files.notMap)!.message, /must be a YAML mapping/);
  assert.match(byPath(files.noItalian)!.message, /at least "en" and "it"/);
  assert.match(byPath(files.unknownStep)!.message, /no step prompt "summary"/);
  assert.ok(lib.analysts.some((a) => a.id === 'good' && a.origin === files.good));
  assert.equal(lib.problems.length, 9, JSON.stringify(lib.problems, null, 1));
});

test('a settings folder that does not exist is reported; relative folders resolve against the workspace', async () => {
  const ws = await tempDir();
  await write(ws, 'team/analysts/legal.md', '---\nname: Legal\ndescription: Legal review.\nfocus: Contracts.\nrequired_fields: []\n---\nMethod.\n');
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [ws], extraFolders: ['team', 'nowhere'] });
  assert.ok(lib.analysts.some((a) => a.id === 'legal'));
  assert.equal(lib.problems.length, 1);
  assert.equal(lib.problems[0].path, path.join(ws, 'nowhere'));
  assert.match(lib.problems[0].message, /does not exist/);
});

test('a synthesizer whose templates are all unknown is dropped with a problem', async () => {
  const dir = await tempDir();
  const file = await write(
    dir,
    'synthesizers/orphan.md',
    '---\nname: O\ndescription: D\nwhen_to_use: W\nwhen_not_to_use: N\nkeywords: {en: [a], it: [b]}\ndefault_analysts: [market]\ntemplates: [nope]\n---\nMethod.\n',
  );
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [], extraFolders: [dir] });
  assert.ok(!lib.synthesizers.some((s) => s.id === 'orphan'));
  const messages = lib.problems.filter((p) => p.path === file).map((p) => p.message);
  assert.ok(messages.some((m) => /unknown templates: nope/.test(m)));
  assert.ok(messages.some((m) => /is not used/.test(m)));
});

test('precedence: bundled < settings folders (in order) < workspace; CRLF and BOM files load', async () => {
  const ws = await tempDir();
  const first = await tempDir();
  const second = await tempDir();
  const analyst = (name: string) => `---\nname: ${name}\ndescription: D.\nfocus: F.\nrequired_fields: []\n---\nMethod of ${name}.\n`;
  await write(first, 'analysts/risk.md', analyst('Risk (first folder)'));
  await write(first, 'analysts/legal.md', analyst('Legal (first folder)'));
  await write(second, 'analysts/legal.md', analyst('Legal (second folder)').replace(/\n/g, '\r\n'));
  await write(ws, '.claude/agents/risk.md', '\uFEFF---\r\nname: Risk (workspace)\r\ndescription: Our risk review.\r\n---\r\nOur method.\r\n');
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [ws], extraFolders: [first, second] });
  assert.deepEqual(lib.problems, []);
  const risk = lib.analysts.find((a) => a.id === 'risk')!;
  assert.equal(risk.name, 'Risk (workspace)');
  assert.equal(risk.method, 'Our method.');
  assert.deepEqual(risk.requiredFields, []);
  const legal = lib.analysts.find((a) => a.id === 'legal')!;
  assert.equal(legal.name, 'Legal (second folder)');
  assert.equal(legal.method, 'Method of Legal (second folder).');
});

test('definitions reached through symbolic links are loaded', async () => {
  const shared = await tempDir();
  const folder = await tempDir();
  const target = await write(shared, 'esg.md', '---\nname: ESG\ndescription: D.\nfocus: F.\nrequired_fields: []\n---\nMethod.\n');
  await fs.mkdir(path.join(folder, 'analysts'), { recursive: true });
  await fs.symlink(target, path.join(folder, 'analysts', 'esg.md'));
  await fs.symlink(path.join(FIXTURES, 'team-library', 'templates'), path.join(folder, 'templates'));
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [], extraFolders: [folder] });
  assert.ok(lib.analysts.some((a) => a.id === 'esg'));
  assert.ok(lib.templates.some((t) => t.id === 'one-pager'));
});
