import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GateError } from '../../src/core/errors';
import { assertCanStart, assertCitationMap, findInternalMarkers, validateAnalystOutput, validateFinalFrontmatter, validateFullText } from '../../src/core/checks';
import { extractJson, parseFrontmatter, stripOuterFence } from '../../src/core/modelAnswers';
import { Orchestrator } from '../../src/core/orchestrator';
import { createState, STEPS, type StepName, type WorkflowState } from '../../src/core/state';
import { harness } from '../helpers/core';

const now = new Date('2026-11-22T10:00:00Z');

function stateAt(step: StepName, patch: Partial<WorkflowState> = {}): WorkflowState {
  const s = createState({ id: 'run-1', problem: 'Enter Germany?', now });
  const i = STEPS.indexOf(step);
  s.history = STEPS.slice(0, i).map((x) => ({ at: now.toISOString(), step: x, event: 'end' as const, detail: '' }));
  s.step = step;
  return Object.assign(s, patch);
}

const GOOD_ANALYST = `---
analyst: market
key_findings:
  - The market grows 7% a year.
confidence: medium
sources:
  - title: Industry report
    url: https://example.org/report
market_size_estimates: [EUR 2bn]
---
The German market for industrial sensors is large and growing, with demand led by automotive.`;

describe('step preconditions: a step starts only after its predecessor and its gate', () => {
  it('refuses a step whose predecessor has not finished', () => {
    const s = stateAt('analysts', { proposal: { synthesizer: 'x', template: 't', analysts: ['a'], webSearch: false, model: 'm', estimatedCostUsd: 1, rationale: '' }, proposalApproved: true });
    s.history = s.history.filter((h) => h.step !== 'propose');
    assert.throws(() => assertCanStart(s, 'analysts'), /"propose" has not finished/);
  });

  const cases: Array<[StepName, Partial<WorkflowState>, RegExp, Partial<WorkflowState>]> = [
    ['sources', {}, /not been parsed/, { synthesizerScores: [{ id: 'a', score: 1, reason: '' }], template: 't' }],
    ['clarify', {}, /source need/, { sourceNeed: 'low' }],
    ['propose', {}, /no synthesizer scores/, { synthesizerScores: [{ id: 'a', score: 1, reason: '' }] }],
    [
      'analysts',
      { proposal: { synthesizer: 'x', template: 't', analysts: ['a'], webSearch: false, model: 'm', estimatedCostUsd: 1, rationale: '' } },
      /not been approved/,
      { proposalApproved: true },
    ],
    [
      'integrate',
      { analysts: { a: { id: 'a', status: 'done', attempts: 1, errors: [] }, b: { id: 'b', status: 'failed', attempts: 2, errors: [] } } },
      /partial results/,
      { partialResults: true },
    ],
    ['outline', {}, /not been integrated/, { integration: 'Integrated text' }],
    ['citations', {}, /outline has not been approved/, { outlineApproved: true }],
    ['fulltext', { factual: true }, /citation map is empty/, { citationMap: [{ point: 'p', sourceIds: ['S1'] }] }],
    ['done', {}, /full text has not been written/, { finalDocument: { markdown: 'x', frontmatter: {} } }],
  ];
  for (const [step, before, reason, fix] of cases) {
    it(`${step}: refused until its gate passed, then allowed`, () => {
      const s = stateAt(step, before);
      assert.throws(() => assertCanStart(s, step), (err: unknown) => err instanceof GateError && reason.test(err.message));
      Object.assign(s, fix);
      assert.doesNotThrow(() => assertCanStart(s, step));
    });
  }

  it('integrate: refused while an analyst is pending, or when every analyst failed', () => {
    const s = stateAt('integrate', { analysts: { a: { id: 'a', status: 'pending', attempts: 0, errors: [] } } });
    assert.throws(() => assertCanStart(s, 'integrate'), /not finished/);
    s.analysts.a.status = 'failed';
    s.partialResults = true;
    assert.throws(() => assertCanStart(s, 'integrate'), /every analyst failed/);
  });

  it('the orchestrator refuses to resume a state whose gate has not passed', async () => {
    const h = harness();
    const s = stateAt('analysts', { proposal: { synthesizer: 'market-entry', template: 'executive-brief', analysts: ['market'], webSearch: false, model: 'm', estimatedCostUsd: 1, rationale: '' } });
    await h.store.save(s);
    const outcome = await new Orchestrator(h.deps).resume('run-1');
    assert.equal(outcome.state.status, 'failed');
    assert.match(outcome.error!.message, /proposal has not been approved/);
    assert.equal(h.model.calls.length, 0);
  });
});

describe('analyst output validation', () => {
  it('accepts a valid output', () => {
    const v = validateAnalystOutput(GOOD_ANALYST, 'market', ['market_size_estimates'], 'end_turn');
    assert.equal(v.frontmatter.confidence, 'medium');
    assert.match(v.body, /German market/);
  });
  it('accepts an output wrapped in a markdown fence', () => {
    assert.doesNotThrow(() => validateAnalystOutput('```markdown\n' + GOOD_ANALYST + '\n```', 'market', [], 'end_turn'));
  });
  const bad: Array<[string, string, RegExp]> = [
    ['missing frontmatter', 'Just prose about the market that is long enough to count as a body.', /does not start with a YAML frontmatter/],
    ['unclosed frontmatter', '---\nanalyst: market\nBody', /not closed/],
    ['broken YAML', '---\nanalyst: market\nkey_findings: [a\n---\nBody text that is long enough to be a body of analysis.', /not valid YAML \(frontmatter line/],
    ['a list as frontmatter', '---\n- a\n- b\n---\nBody text that is long enough to be a body of analysis.', /mapping of fields/],
    ['no key findings', GOOD_ANALYST.replace(/key_findings:\n {2}- .*\n/, ''), /key_findings/],
    ['bad confidence', GOOD_ANALYST.replace('confidence: medium', 'confidence: sure'), /confidence/],
    ['wrong analyst id', GOOD_ANALYST.replace('analyst: market', 'analyst: finance'), /must be "market"/],
    ['empty body', GOOD_ANALYST.replace(/\n---\n[\s\S]*$/, '\n---\n'), /body .* empty/],
    ['a source without a title', GOOD_ANALYST.replace('  - title: Industry report\n', '  - url2: x\n'), /sources/],
  ];
  for (const [name, text, pattern] of bad) {
    it(`rejects ${name} with a clear reason`, () => {
      assert.throws(() => validateAnalystOutput(text, 'market', [], 'end_turn'), pattern);
    });
  }
  it('rejects an answer cut at max_tokens', () => {
    assert.throws(() => validateAnalystOutput(GOOD_ANALYST, 'market', [], 'max_tokens'), /max_tokens/);
  });
});

describe('citation map and full text', () => {
  const registry = [{ id: 'S1', level: 'L0' as const, title: 'notes.md' }];
  it('requires a non-empty map for factual content, and known ids', () => {
    assert.throws(() => assertCitationMap({ factual: true, citationMap: [], sources: registry }), /citation map is empty/);
    assert.doesNotThrow(() => assertCitationMap({ factual: false, citationMap: [], sources: registry }));
    assert.throws(() => assertCitationMap({ factual: true, citationMap: [{ point: 'p', sourceIds: ['S7'] }], sources: registry }), /S7/);
  });
  it('finds every internal marker', () => {
    assert.deepEqual(findInternalMarkers('a [Source: analyst-market] b [analyst-risk] c <!-- task: x/y --> {{outline}}'), [
      '[Source: ...]',
      '[analyst-...]',
      '<!-- task: ... -->',
      '{{placeholder}}',
    ]);
    assert.deepEqual(findInternalMarkers('[Fonte: analista]'), ['[Fonte: ...]']);
  });
  it('accepts clean prose with known citations', () => {
    const text = 'The market grows [S1]. '.repeat(12);
    assert.equal(validateFullText(text, 'end_turn', registry, true), text.trim());
  });
});

describe('final frontmatter', () => {
  const good = {
    title: 'Entering Germany',
    date: '2026-11-22',
    language: 'en',
    synthesizer: 'market-entry',
    template: 'executive-brief',
    analysts: ['market'],
    sources: { L0: 1, L1: 0, L2: 2 },
    evidence: { verified_sources: 3, unverified_sources: 0, quotes: 5, dropped_citations: 1 },
    cost_usd: 0.42,
    models: ['claude-sonnet-5-5'],
    run_id: 'run-1',
    partial_results: false,
    demo: false,
  };
  it('validates a complete frontmatter', () => assert.deepEqual(validateFinalFrontmatter(good), good));
  for (const field of Object.keys(good)) {
    it(`rejects a frontmatter without ${field}`, () => {
      const copy: Record<string, unknown> = { ...good };
      delete copy[field];
      assert.throws(() => validateFinalFrontmatter(copy), new RegExp(field));
    });
  }
  it('rejects unknown fields and a bad date', () => {
    assert.throws(() => validateFinalFrontmatter({ ...good, secret: 'x' }), /secret|Unrecognized/i);
    assert.throws(() => validateFinalFrontmatter({ ...good, date: '22/11/2026' }), /date/);
  });
});

describe('markdown helpers', () => {
  it('extracts JSON from a fence or from prose', () => {
    assert.deepEqual(extractJson('Here:\n```json\n{"a": 1}\n```'), { a: 1 });
    assert.deepEqual(extractJson('Sure! {"a": {"b": "}"}} done'), { a: { b: '}' } });
    assert.throws(() => extractJson('no json'), /no JSON object/);
    assert.throws(() => extractJson('```json\n{a: 1}\n```'), /not valid/);
  });
  it('parses frontmatter and strips fences', () => {
    assert.equal(stripOuterFence('```md\nx\n```'), 'x');
    assert.deepEqual(parseFrontmatter('---\na: 1\n---\nbody').data, { a: 1 });
  });
});

describe('a full disk when saving the final document', () => {
  it('keeps the text in the state, fails clearly, and saves it on resume', async () => {
    const h = harness();
    h.workspace.failWrites = false;
    const orchestrator = new Orchestrator(h.deps);
    let fail = true;
    const original = h.workspace.writeDocument.bind(h.workspace);
    h.workspace.writeDocument = async (p, md, kind) => {
      if (kind === 'final' && fail) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return original(p, md, kind);
    };
    const first = await orchestrator.start('Should we enter the German market for industrial sensors?');
    assert.equal(first.state.status, 'failed');
    assert.match(first.error!.message, /could not be saved .*ENOSPC.*kept/);
    assert.ok(first.state.finalDocument?.markdown);
    fail = false;
    const calls = h.model.calls.length;
    const second = await orchestrator.resume(first.state.id);
    assert.equal(second.state.status, 'done');
    assert.equal(h.model.calls.length, calls, 'no model call is paid again');
    assert.ok(h.workspace.written.some((w) => w.kind === 'final'));
  });
});
