import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { FinalFrontmatterSchema, citedIds } from '../../src/core/checks';
import type { ModelRequest, ModelResponse } from '../../src/core/ports';
import { DemoModel } from '../../src/providers/demo';
import { CountingModel, harness, ScriptedReviewer } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

function replaceText(res: ModelResponse, text: string, stopReason = res.stopReason): ModelResponse {
  return { ...res, text, stopReason };
}

describe('a full run with a scripted reviewer', () => {
  it('goes from problem to a final markdown whose frontmatter validates and whose citations resolve', async () => {
    const h = harness();
    const events: string[] = [];
    const outcome = await new Orchestrator({ ...h.deps, onEvent: (e) => events.push(e.type) }).start(PROBLEM);
    assert.equal(outcome.error, undefined);
    const s = outcome.state;
    assert.equal(s.status, 'done');
    assert.equal(s.step, 'done');
    assert.ok(s.proposalApproved && s.outlineApproved);
    assert.deepEqual(
      s.history.filter((x) => x.event === 'end').map((x) => x.step),
      ['parse', 'sources', 'clarify', 'propose', 'analysts', 'integrate', 'outline', 'citations', 'fulltext'],
    );
    // Every gate was asked in order.
    assert.deepEqual(h.reviewer.seen.map((x) => x.gate), ['sources', 'clarify', 'proposal', 'outline']);
    // Analyst tabs and the final document were written.
    assert.deepEqual(
      h.workspace.written.map((w) => w.kind),
      ['analyst', 'analyst', 'analyst', 'final'],
    );
    const final = h.workspace.files.get(s.finalDocument!.path!)!;
    const { data, body } = parseFrontmatter(final);
    const fm = FinalFrontmatterSchema.parse(data);
    assert.equal(fm.language, 'en');
    assert.equal(fm.demo, true);
    assert.deepEqual(fm.analysts, ['market', 'competition', 'financial']);
    assert.ok(fm.sources.L1 + fm.sources.L2 > 0);
    // The model's [S#] citations all resolve; the document numbers them and lists them.
    const written = s.calls.filter((c) => c.step === 'fulltext').at(-1)!.text;
    const ids = citedIds(written);
    assert.ok(ids.length > 0);
    for (const id of ids) assert.ok(s.sources.some((x) => x.id === id), `${id} is in the registry`);
    assert.doesNotMatch(body, /\[S\d+\]|\[Source:/);
    assert.match(body, /## Sources/);
    const numbers = [...body.matchAll(/\[\[(\d+)\]\]\(/g)].map((m) => Number(m[1]));
    const listed = [...body.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    for (const n of numbers) assert.ok(listed.includes(n), `citation ${n} is listed`);
    assert.ok(events.includes('awaiting') && events.includes('document') && events.includes('cost'));
    // The run log closes with a summary.
    const log = await h.store.readRunLog(s.id);
    assert.match(log, /Summary/i);
  });

  it('answers in Italian for an Italian problem', async () => {
    const h = harness();
    const { state } = await new Orchestrator(h.deps).start(
      'Dovremmo entrare nel mercato tedesco dei sensori industriali il prossimo anno? Come?',
    );
    assert.equal(state.status, 'done');
    assert.equal(state.language, 'it');
    assert.match(state.finalDocument!.markdown, /language: it/);
    assert.match(state.finalDocument!.markdown, /## Fonti/);
  });

  it('refuses an empty problem with a clear message', async () => {
    const h = harness();
    await assert.rejects(new Orchestrator(h.deps).start('   '), /problem is empty/);
  });

  it('refuses a huge problem before any call, with its size and what to do instead', async () => {
    const h = harness();
    const problem = `Should we enter the market? ${'Background text of a long report. '.repeat(32_000)}`;
    await assert.rejects(new Orchestrator(h.deps).start(problem), (err: Error) => {
      assert.match(err.message, /\d+ characters long \(about \d+ tokens\)/);
      assert.match(err.message, /context document/);
      return true;
    });
    assert.equal(h.model.calls.length, 0);
    assert.deepEqual(await h.store.list(), []);
  });
});

describe('a full disk while saving the state', () => {
  it('stops the run with a clear message, at most one call after the failed write', async () => {
    const h = harness();
    let full = false;
    const inner = h.store;
    const store = {
      ...inner,
      list: () => inner.list(),
      load: (id: string) => inner.load(id),
      readRunLog: (id: string) => inner.readRunLog(id),
      appendRunLog: (id: string, md: string) => inner.appendRunLog(id, md),
      save: (st: Parameters<typeof inner.save>[0]) =>
        full ? Promise.reject(new Error('Could not save the analysis state: the disk is full (ENOSPC).')) : inner.save(st),
    };
    h.model.rewrite = (req, res) => {
      if (req.step === 'clarify') full = true;
      return res;
    };
    const { state, error } = await new Orchestrator({ ...h.deps, store }).start(PROBLEM);
    assert.equal(state.status, 'failed');
    assert.match(error!.message, /disk is full/);
    const afterFull = h.model.calls.slice(h.model.calls.findIndex((c) => c.step === 'clarify') + 1);
    // Saves are written behind the run: the call started while the failing write was under way
    // is the only one made after it.
    assert.ok(afterFull.length <= 1, `calls after the failed save: ${afterFull.map((c) => c.label).join(', ')}`);
    // What reached the disk is intact and can be resumed once there is space.
    full = false;
    const saved = await inner.load(state.id);
    assert.equal(saved.state.step, 'clarify');
  });
});

describe('the proposal gate', () => {
  it('runs nothing before approval: cancelling the proposal makes no analyst call', async () => {
    const h = harness({ reviewer: new ScriptedReviewer({ proposal: [{ kind: 'cancel' }] }) });
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'cancelled');
    assert.equal(error, undefined);
    assert.equal(h.model.calls.filter((c) => c.step === 'analysts').length, 0);
    assert.equal(state.step, 'propose');
  });

  it('applies a typed modification and asks again before running', async () => {
    const h = harness({
      reviewer: new ScriptedReviewer({
        proposal: [
          { kind: 'modify', changes: { analysts: ['risk', 'nonexistent'], template: 'decision-memo', webSearch: false } },
          { kind: 'approve' },
        ],
      }),
    });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.deepEqual(state.proposal!.analysts, ['risk']);
    assert.equal(state.proposal!.template, 'decision-memo');
    assert.equal(state.searches.length, 0);
    assert.equal(h.reviewer.seen.filter((x) => x.gate === 'proposal').length, 2);
    assert.deepEqual(h.model.calls.filter((c) => c.step === 'analysts').map((c) => c.label), ['analyst:risk']);
  });

  it('shows an estimated cost with the proposal, and bills what the calls cost', async () => {
    const demo = new DemoModel();
    // Answers as the model asked for (a priced one), not as the demo.
    const paid = { complete: async (r: ModelRequest, o?: Parameters<DemoModel['complete']>[1]) => ({ ...(await demo.complete(r, o)), model: r.model }) };
    const h = harness({ model: paid });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    const view = h.reviewer.seen.find((x) => x.gate === 'proposal')!.payload as { proposal: { estimatedCostUsd: number } };
    assert.ok(view.proposal.estimatedCostUsd > 0);
    assert.ok(state.calls.every((c) => c.costUsd > 0));
  });

  it('bills nothing and estimates nothing in demo mode', async () => {
    const h = harness();
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.proposal!.estimatedCostUsd, 0);
    assert.ok(state.calls.every((c) => c.costUsd === 0));
    assert.match(state.finalDocument!.markdown, /cost_usd: 0\n/);
  });
});

describe('the outline gate', () => {
  it('feeds every earlier feedback to each revision, and keeps the person’s edit', async () => {
    const h = harness({
      reviewer: new ScriptedReviewer({
        outline: [
          { kind: 'request-changes', feedback: 'Add a section on pricing.' },
          { kind: 'request-changes', feedback: 'Shorter risks section.' },
          { kind: 'approve', editedText: '## Situation\n- edited by me\n\n## Findings\n- x\n\n## Recommendation\n- y' },
        ],
      }),
    });
    const prompts: string[] = [];
    h.model.rewrite = (req, res) => {
      if (req.step === 'outline') prompts.push(req.system.map((b) => b.text).join('\n'));
      return res;
    };
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(prompts.length, 3);
    assert.doesNotMatch(prompts[0], /pricing/);
    assert.match(prompts[1], /Add a section on pricing/);
    assert.match(prompts[2], /Add a section on pricing/);
    assert.match(prompts[2], /Shorter risks section/);
    assert.equal(state.outline.length, 4);
    assert.equal(state.outline[3].author, 'person');
  });

  it('does not accept a request for changes without feedback', async () => {
    const h = harness({
      reviewer: new ScriptedReviewer({ outline: [{ kind: 'request-changes', feedback: '  ' }, { kind: 'approve' }] }),
    });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(state.outline.length, 1);
  });
});

/** Makes the analyst answers of `ids` invalid on every attempt until `fixed` is set. */
function breakAnalysts(ids: string[], broken: string) {
  const ctl = { fixed: false, seenFeedback: [] as string[] };
  const rewrite = (req: ModelRequest, res: ModelResponse) => {
    const id = req.label.replace('analyst:', '');
    if (req.step === 'analysts' && ids.includes(id) && !ctl.fixed) {
      const last = req.messages.at(-1)!.content;
      if (req.messages.length > 1) ctl.seenFeedback.push(last);
      return replaceText(res, broken);
    }
    return res;
  };
  return { ctl, rewrite };
}

describe('the analyst gate', () => {
  it('retries an invalid output with the validation error fed back, then asks the person at the threshold', async () => {
    const { ctl, rewrite } = breakAnalysts(['market', 'competition'], 'No frontmatter here, just prose that goes on.');
    const reviewer = new ScriptedReviewer({
      failures: [
        (s) => {
          assert.equal(Object.values(s.analysts).filter((a) => a.status === 'failed').length, 2);
          ctl.fixed = true;
          return { kind: 'retry-failed' };
        },
      ],
    });
    const h = harness({ model: new CountingModel(new DemoModel(), rewrite), reviewer });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(h.reviewer.seen.filter((x) => x.gate === 'failures').length, 1);
    assert.ok(ctl.seenFeedback.some((f) => /failed validation: .*frontmatter/.test(f)));
    assert.equal(state.analysts.market.attempts, 3);
    assert.equal(state.partialResults, false);
  });

  it('continues with partial results when the person says so, and says so in the document', async () => {
    const { rewrite } = breakAnalysts(['market', 'competition'], '---\nanalyst: [unclosed\n---\nbody');
    const h = harness({
      model: new CountingModel(new DemoModel(), rewrite),
      reviewer: new ScriptedReviewer({ failures: [{ kind: 'continue-partial' }] }),
    });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(state.partialResults, true);
    assert.match(state.finalDocument!.markdown, /partial_results: true/);
    assert.deepEqual((state.finalDocument!.frontmatter as { analysts: string[] }).analysts, ['financial']);
    assert.match(state.analysts.market.errors.join('\n'), /not valid YAML/);
  });

  it('aborts when the person says so', async () => {
    const { rewrite } = breakAnalysts(['market', 'competition', 'financial'], 'nothing');
    const h = harness({
      model: new CountingModel(new DemoModel(), rewrite),
      reviewer: new ScriptedReviewer({ failures: [{ kind: 'abort' }] }),
    });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'cancelled');
    assert.equal(state.step, 'analysts');
    assert.equal(h.model.calls.filter((c) => c.step === 'integrate').length, 0);
  });

  it('goes on without asking below the threshold', async () => {
    const { rewrite } = breakAnalysts(['market'], 'nothing');
    const h = harness({ model: new CountingModel(new DemoModel(), rewrite) });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(h.reviewer.seen.filter((x) => x.gate === 'failures').length, 0);
    assert.equal(state.partialResults, true);
  });

  it('catches an answer cut at max_tokens and retries with a larger limit', async () => {
    const limits: number[] = [];
    const model = new CountingModel(new DemoModel(), (req, res) => {
      if (req.label === 'analyst:financial') {
        limits.push(req.maxTokens);
        if (limits.length === 1) return replaceText(res, res.text.slice(0, 120), 'max_tokens');
      }
      return res;
    });
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(limits.length, 2);
    assert.ok(limits[1] > limits[0]);
    assert.match(state.analysts.financial.errors[0], /max_tokens/);
  });

  it('requires the analyst’s own required fields', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.label === 'analyst:market' ? replaceText(res, res.text.replace(/market_size_estimates:[\s\S]*?\n---/, '---')) : res,
    );
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.analysts.market.status, 'failed');
    assert.match(state.analysts.market.errors.join('\n'), /required field\(s\): market_size_estimates/);
  });
});

describe('the citation and full-text gates', () => {
  it('rejects a citation map that refers to a source not in the registry', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'citations' ? replaceText(res, '```json\n{"citations":[{"point":"Situation","sourceIds":["S99"]}],"gaps":[]}\n```') : res,
    );
    const h = harness({ model });
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'failed');
    assert.equal(state.step, 'citations');
    assert.match(error!.message, /not in the registry: S99/);
    // Each group of the outline's sections was asked twice (its own attempts), and no more.
    const calls = h.model.calls.filter((c) => c.step === 'citations');
    const labels = [...new Set(calls.map((c) => c.label))];
    assert.ok(labels.length >= 1);
    for (const label of labels) assert.equal(calls.filter((c) => c.label === label).length, 2, label);
  });

  it('refuses an empty citation map for factual content', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'citations' ? replaceText(res, '{"citations": [], "gaps": [], "factual": true}') : res,
    );
    const h = harness({ model });
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'failed');
    assert.match(error!.message, /citation map is empty/);
    assert.equal(h.model.calls.filter((c) => c.step === 'fulltext').length, 0);
  });

  it('fills gaps with web search, at most the configured number of searches, cached by query', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'citations'
        ? replaceText(
            res,
            JSON.stringify({
              citations: [],
              gaps: [
                { point: 'Situation', query: 'sensor market Germany' },
                { point: 'Findings', query: 'Sensor market  germany' },
                { point: 'Recommendation', query: 'competitors' },
                { point: 'Extra', query: 'prices' },
                { point: 'More', query: 'regulation' },
              ],
            }),
          )
        : res,
    );
    const queries: string[] = [];
    const h = harness({
      model,
      search: { search: async (q) => (queries.push(q), { results: [{ url: `https://example.org/${encodeURIComponent(q)}`, title: q, highlights: ['h'] }] }) },
    });
    const { state } = await new Orchestrator({ ...h.deps, settings: { maxSearchesPerAnalysis: 2 } }).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.deepEqual(queries, ['sensor market Germany', 'competitors']);
    assert.equal(state.searches.length, 2);
    assert.ok(state.sources.filter((x) => x.level === 'L2').length === 2);
    assert.ok(state.citationMap.some((c) => c.point === 'Findings'));
  });

  for (const [name, text, pattern] of [
    ['leftover internal markers', 'The market grows [Source: analyst-market] fast. '.repeat(10) + '[S1]', /internal markers/],
    ['a citation to an unknown source', 'The market grows fast, as the data shows [S42]. '.repeat(10), /not in the registry: S42/],
    ['a frontmatter of its own', '---\ntitle: x\n---\n' + 'Text [S1]. '.repeat(40), /must not start with a frontmatter/],
    ['no citation at all', 'The market grows fast. '.repeat(20), /cites no source/],
  ] as const) {
    it(`catches ${name} in the full text, retries with the reason, then fails clearly`, async () => {
      const feedback: string[] = [];
      const model = new CountingModel(new DemoModel(), (req, res) => {
        if (req.step !== 'fulltext') return res;
        if (req.messages.length > 1) feedback.push(req.messages.at(-1)!.content);
        return replaceText(res, text);
      });
      const h = harness({ model });
      const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
      assert.equal(state.status, 'failed');
      assert.equal(state.step, 'fulltext');
      assert.match(error!.message, pattern);
      assert.match(feedback[0], pattern);
      assert.equal(state.finalDocument, null);
    });
  }

  it('catches a full text cut at max_tokens', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'fulltext' ? replaceText(res, res.text, 'max_tokens') : res,
    );
    const h = harness({ model });
    const { error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.match(error!.message, /cut off at the maximum output length/);
  });
});

describe('parse and clarify', () => {
  it('falls back to the keyword scorer when the model answer is invalid', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'parse' ? replaceText(res, 'I think market entry fits best.') : res,
    );
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.scoringMethod, 'keywords');
    assert.equal(state.synthesizerScores[0].id, 'market-entry');
    assert.equal(state.status, 'done');
  });

  it('asks no questions when the top synthesizer is clear', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.label === 'parse'
        ? replaceText(res, '{"title":"T","synthesizers":[{"id":"market-entry","score":0.9},{"id":"risk-scenarios","score":0.3}],"template":"executive-brief","factual":true}')
        : res,
    );
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(h.model.calls.filter((c) => c.step === 'clarify').length, 0);
    assert.ok(!h.reviewer.seen.some((x) => x.gate === 'clarify'));
  });

  it('rescores with the answers', async () => {
    const h = harness();
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.deepEqual(h.model.calls.filter((c) => c.step === 'clarify').map((c) => c.label), ['clarify', 'rescore']);
    assert.ok(state.synthesizerScores[0].score - state.synthesizerScores[1].score >= 0.2);
    assert.equal(state.clarifications[0].answer, 'Whether to enter');
  });
});

describe('the sources gate', () => {
  it('reads context documents as L0 sources and a research briefing', async () => {
    const h = harness({
      reviewer: new ScriptedReviewer({
        sources: [{ kind: 'choose', contextFiles: ['notes/market.md'], briefingFile: 'research_briefing.yaml', webSearch: false }],
      }),
    });
    h.workspace.files.set('notes/market.md', '# Market notes\nThe German sensor market grew 7% in 2025.');
    h.workspace.files.set(
      'research_briefing.yaml',
      'title: Sensors\nsources:\n  - title: Industry report 2026\n    url: https://example.org/report\n    summary: Growth continues.\n',
    );
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    const l0 = state.sources.filter((s) => s.level === 'L0');
    assert.deepEqual(l0.map((s) => s.title), ['market.md', 'Industry report 2026']);
    assert.equal(state.contextDocuments.length, 2);
    assert.equal(state.webSearchAllowed, false);
    const analystCall = h.model.calls.find((c) => c.step === 'analysts');
    assert.ok(analystCall);
  });

  it('does not register twice a briefing source that an analyst names', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.label === 'analyst:financial'
        ? replaceText(res, res.text.replace('sources:\n', 'sources:\n  - title: "Industry report 2026"\n    document: research_briefing.yaml\n'))
        : res,
    );
    const h = harness({
      model,
      reviewer: new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: [], briefingFile: 'research_briefing.yaml', webSearch: false }] }),
    });
    h.workspace.files.set('research_briefing.yaml', 'sources:\n  - title: Industry report 2026\n    url: https://example.org/report\n');
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.ok(state.analysts.financial.frontmatter!.sources.some((x) => x.title === 'Industry report 2026'));
    assert.equal(state.sources.filter((x) => x.title === 'Industry report 2026').length, 1);
  });

  it('asks again with the reason when a file is missing or the briefing is malformed, losing nothing', async () => {
    const h = harness({
      reviewer: new ScriptedReviewer({
        sources: [
          { kind: 'choose', contextFiles: ['missing.md'], webSearch: true },
          { kind: 'choose', contextFiles: [], briefingFile: 'research_briefing.yaml', webSearch: true },
          { kind: 'choose', contextFiles: [], webSearch: true },
        ],
      }),
    });
    h.workspace.files.set('research_briefing.yaml', 'sources:\n  - title: [broken\n');
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    const asks = h.reviewer.seen.filter((x) => x.gate === 'sources').map((x) => (x.payload as { problem?: string }).problem);
    assert.equal(asks[0], undefined);
    assert.match(asks[1]!, /missing\.md.*could not be read/);
    assert.match(asks[2]!, /research_briefing\.yaml/);
  });
});
