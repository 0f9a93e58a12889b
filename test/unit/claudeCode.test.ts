/**
 * The person's real Claude Code files: agents and skills shaped like the public Claude Code
 * plugins (test/fixtures/claude-code): unquoted multi-line descriptions with <example> blocks,
 * tools/model/color keys, skills with when_to_use. They load as leniently as Claude Code loads
 * them; only those meant as analysts or frameworks are offered; the rest, and a definition that
 * replaces a bundled one, are listed as notes; the remaining YAML errors are one clear line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { loadPromptLibrary, parseMarkdownWithFrontmatter } from '../../src/prompts';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKSPACE = path.join(ROOT, 'test', 'fixtures', 'claude-code', 'workspace');
const AGENTS = path.join(WORKSPACE, '.claude', 'agents');
const SKILLS = path.join(WORKSPACE, '.claude', 'skills');

function load() {
  return loadPromptLibrary({ bundledDir: path.join(ROOT, 'prompts'), workspaceFolders: [WORKSPACE], extraFolders: [] });
}

function frontmatterOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  return text.slice(4, text.indexOf('\n---', 4));
}

test('agents whose description strict YAML refuses load, as in Claude Code', async () => {
  const refused = ['code-reviewer', 'go-expert', 'market-sizing', 'pricing-analyst', 'docs-analyst', 'competition'];
  for (const id of refused) {
    assert.ok(parseDocument(frontmatterOf(path.join(AGENTS, `${id}.md`))).errors.length > 0, `${id} is not valid YAML`);
  }
  const lib = await load();
  for (const id of refused) {
    assert.ok(!lib.problems.some((p) => p.path === path.join(AGENTS, `${id}.md`)), `${id} was rejected: ${JSON.stringify(lib.problems)}`);
  }
});

test('a multi-line unquoted description with <example> blocks is read as text; the keys after it stay keys', () => {
  const parsed = parseMarkdownWithFrontmatter(readFileSync(path.join(AGENTS, 'go-expert.md'), 'utf8'), { lenient: true });
  const description = parsed.data.description as string;
  assert.match(description, /^Use this agent when the user writes, debugs or refactors Go code/);
  assert.match(description, /<example>\nContext: The user is writing an HTTP handler/);
  assert.match(description, /user: "My handler leaks goroutines/);
  assert.match(description, /<\/example>$/);
  assert.equal(parsed.data.tools, 'Read, Grep, Glob, Bash');
  assert.equal(parsed.data.model, 'sonnet');
  assert.equal(parsed.data.color, 'cyan');
  assert.equal(parsed.keyLines.get('tools'), 19);
  assert.match(parsed.body, /^You are an expert Go engineer/);

  const oneLine = parseMarkdownWithFrontmatter(readFileSync(path.join(AGENTS, 'code-reviewer.md'), 'utf8'), { lenient: true });
  assert.match(oneLine.data.description as string, /before committing\. .*\n\nExamples:\n<example>\nContext: The user has just added/s, 'literal \\n become line breaks');
  assert.equal(oneLine.data.model, 'opus');

  // The prompts/ layout stays strict, with one clear line: one position and what to do.
  assert.throws(
    () => parseMarkdownWithFrontmatter(readFileSync(path.join(AGENTS, 'go-expert.md'), 'utf8')),
    (err: Error & { line?: number }) => {
      assert.equal(
        err.message,
        'Invalid YAML in the frontmatter at line 3, column 14: The value of "description" holds ": " or runs over several lines; put it in quotes, or write "description: |" and indent the lines below it.',
      );
      assert.equal(err.line, 3);
      return true;
    },
  );
});

test('only agents meant as analysts are offered; coding agents are listed, not offered', async () => {
  const lib = await load();
  const ids = new Set(lib.analysts.map((a) => a.id));
  for (const id of ['market-sizing', 'pricing-analyst', 'competition']) assert.ok(ids.has(id), `${id} is offered`);
  for (const id of ['code-reviewer', 'go-expert', 'backend-developer', 'test-runner', 'docs-analyst', 'broken-fields']) {
    assert.ok(!ids.has(id), `${id} is not offered`);
  }
  for (const id of ['market', 'financial', 'customer', 'risk']) assert.ok(ids.has(id), `the bundled ${id} analyst is still there`);
  const note = (file: string) => (lib.notes ?? []).filter((n) => n.path === file).map((n) => n.message);
  for (const id of ['code-reviewer', 'go-expert', 'backend-developer', 'test-runner']) {
    assert.deepEqual(note(path.join(AGENTS, `${id}.md`)), [
      'Not offered as an analyst: this looks like a Claude Code agent for other work. To offer it at the proposal, add "strategic-analysis: analyst" to its frontmatter.',
    ]);
  }
  assert.match(note(path.join(AGENTS, 'docs-analyst.md'))[0], /says "strategic-analysis: none"/);
  const sizing = lib.analysts.find((a) => a.id === 'market-sizing')!;
  assert.equal(sizing.name, 'Market sizing');
  assert.match(sizing.description, /<example>/);
  assert.match(sizing.method, /bottom-up/);
});

test('a workspace definition that replaces a bundled one is reported', async () => {
  const lib = await load();
  const competition = lib.analysts.find((a) => a.id === 'competition')!;
  assert.equal(competition.origin, path.join(AGENTS, 'competition.md'));
  const notes = lib.notes ?? [];
  const replaced = notes.find((n) => n.path === path.join(AGENTS, 'competition.md'))!;
  assert.match(replaced.message, /^Replaces the bundled analyst "Competition Analyst" \(id "competition"\)/);
  assert.equal(replaced.line, 2);
  const decision = notes.find((n) => n.path === path.join(SKILLS, 'strategic-decision', 'SKILL.md'))!;
  assert.match(decision.message, /^Replaces the bundled framework "Strategic decision" \(id "strategic-decision"\)/);
  assert.equal(lib.synthesizers.find((s) => s.id === 'strategic-decision')!.name, 'Strategic decision (board format)');
});

test('ordinary Claude Code skills, even with when_to_use, are listed, not offered; a marked skill is a framework', async () => {
  const lib = await load();
  const ids = new Set(lib.synthesizers.map((s) => s.id));
  assert.ok(!ids.has('pdf-forms') && !ids.has('changelog'));
  const notes = lib.notes ?? [];
  for (const skill of ['pdf-forms', 'changelog']) {
    const n = notes.find((x) => x.path === path.join(SKILLS, skill, 'SKILL.md'));
    assert.ok(n, `${skill} is listed`);
    assert.match(n.message, /Not offered as an analysis framework: this is an ordinary Claude Code skill\. To offer it, add "strategic-analysis: framework"/);
  }
  const pricing = lib.synthesizers.find((s) => s.id === 'pricing-review')!;
  assert.ok(pricing, 'pricing-review is offered');
  assert.deepEqual(pricing.defaultAnalysts, ['pricing-analyst', 'customer', 'competition']);
  assert.equal(pricing.whenToUse, 'The client needs to set or change prices, discounts or packaging.');
});

test('the remaining YAML errors are one line with one position and what to do', async () => {
  const lib = await load();
  const problem = (file: string) => lib.problems.filter((p) => p.path === file);
  const fields = problem(path.join(AGENTS, 'broken-fields.md'));
  assert.equal(fields.length, 1);
  assert.match(fields[0].message, /^Invalid YAML in the frontmatter at line 5, column \d+: A list or mapping in the value of "required_fields" is not closed; end it with "\]" or "\}"/);
  assert.equal(fields[0].line, 5);
  const keywords = problem(path.join(SKILLS, 'bad-keywords', 'SKILL.md'));
  assert.equal(keywords.length, 1);
  assert.match(keywords[0].message, /^Invalid YAML in the frontmatter at line 5, column \d+: .*"keywords"/);
  for (const p of [...fields, ...keywords]) {
    assert.ok(!p.message.includes('\n'), 'one line');
    assert.equal((p.message.match(/line \d+/g) ?? []).length, 1, 'one position');
  }
  assert.throws(
    () => parseMarkdownWithFrontmatter('---\nname: a\ndescription: b\nname: c\n---\nBody', { lenient: true }),
    /^DefinitionError: Invalid YAML in the frontmatter at line 4, column 1: "name" appears twice \(also on line 2\); keep one\.$|"name" appears twice/,
  );
  assert.throws(
    () => parseMarkdownWithFrontmatter('---\nname: a\ndescription: "never closed\n---\nBody'),
    /at line 3, column \d+: A quoted text in the value of "description" is not closed; add the closing quote\./,
  );
});
