import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCost } from '../../src/core/cost';
import { Orchestrator } from '../../src/core/orchestrator';
import type { BudgetView, ProposalDecision } from '../../src/core/ports';
import type { WorkflowState } from '../../src/core/state';
import { harness, ScriptedReviewer } from '../helpers/core';
import { bundledLibrary, demoResponder, startFakes } from '../helpers/fakeRun';
import type { AnthropicResponder } from '../fakes/anthropicServer';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
/** Analyst answers of about 4,000 tokens ($0.04 of output each on Sonnet 5.5). */
const longAnalysts: AnthropicResponder = async (input) => {
  const base = await demoResponder(input);
  if (input.task?.step !== 'analysts') return base;
  const text = (typeof base === 'string' ? base : base.text) ?? '';
  return `${text.trimEnd()}\n\n${'The distributor data point to steady demand growth in the region. '.repeat(240)}\n`;
};

/** Lowers the budget at the proposal to what was spent plus `extra`, then approves. */
function budgetAtProposal(extra: number): Array<ProposalDecision | ((s: Readonly<WorkflowState>) => ProposalDecision)> {
  return [(s) => ({ kind: 'modify', changes: { budgetUsd: Math.round((runCost(s) + extra) * 10_000) / 10_000 } }), { kind: 'approve' }];
}

describe('the hard budget of a run', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes({ anthropic: { responder: longAnalysts } });
  });
  beforeEach(() => {
    fakes.anthropic.clearRequests();
    fakes.anthropic.clearCache();
  });
  after(() => fakes.close());

  it('stops before the analyst call that could pass the budget; resumed after raising it, pays nothing again', async () => {
    const library = await bundledLibrary();
    const settings = { maxParallelAnalysts: 1, maxUsdPerRun: 10 };
    const first = new ScriptedReviewer({ proposal: budgetAtProposal(0.12), budget: [{ kind: 'cancel' }] });
    const h = harness({ model: fakes.model, search: null, library, reviewer: first, settings });
    const stopped = (await new Orchestrator(h.deps).start(PROBLEM)).state;

    assert.equal(stopped.status, 'cancelled');
    assert.equal(stopped.step, 'analysts');
    const budget = stopped.budgetUsd!;
    assert.ok(budget < 10, 'the proposal lowered the budget for this run');
    assert.ok(runCost(stopped) <= budget, `spent ${runCost(stopped)} within the budget ${budget}`);
    const view = first.seen.find((x) => x.gate === 'budget')!.payload as BudgetView;
    assert.equal(view.step, 'analysts');
    assert.equal(view.partialAllowed, true);
    assert.ok(view.spentUsd + view.nextCallUsd > budget, 'asked only because the next call could pass the budget');
    const analystsBefore = fakes.anthropic.requests.filter((r) => r.task?.step === 'analysts').map((r) => r.task!.label);
    const doneBefore = Object.values(stopped.analysts).filter((a) => a.status === 'done').map((a) => `analyst:${a.id}`);
    assert.ok(doneBefore.length >= 1 && doneBefore.length < stopped.proposal!.analysts.length, `${doneBefore.length} analysts done`);
    assert.deepEqual(analystsBefore.sort(), [...doneBefore].sort(), 'no analyst call was made past the budget');

    fakes.anthropic.clearRequests();
    const second = new ScriptedReviewer({ budget: [{ kind: 'raise', budgetUsd: 5 }] });
    const h2 = harness({ model: fakes.model, search: null, library, reviewer: second, settings, store: h.store });
    const resumed = (await new Orchestrator(h2.deps).resume(stopped.id)).state;
    assert.equal(resumed.status, 'done');
    const again = fakes.anthropic.requests.filter((r) => r.task?.step === 'analysts').map((r) => r.task!.label);
    for (const label of doneBefore) assert.ok(!again.includes(label), `${label} was not paid again`);
    assert.ok(!fakes.anthropic.requests.some((r) => r.task?.step === 'parse' || r.task?.step === 'propose'));
    const keys = resumed.calls.map((c) => c.key);
    assert.equal(new Set(keys).size, keys.length, 'every call was made once');
    assert.ok(runCost(resumed) <= 5);
  });

  it('with six analysts in parallel never spends past the budget; "continue with what is done" goes on with partial results', async () => {
    const library = await bundledLibrary();
    const reviewer = new ScriptedReviewer({
      proposal: [
        (s) => ({ kind: 'modify', changes: { analysts: library.analysts.slice(0, 6).map((a) => a.id), budgetUsd: Math.round((runCost(s) + 0.3) * 10_000) / 10_000 } }),
        { kind: 'approve' },
      ],
      budget: [{ kind: 'continue-partial' }, { kind: 'raise', budgetUsd: 5 }],
    });
    const h = harness({ model: fakes.model, search: null, library, reviewer, settings: { maxParallelAnalysts: 6, maxUsdPerRun: 10 } });
    const state = (await new Orchestrator(h.deps).start(PROBLEM)).state;
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    const views = reviewer.seen.filter((x) => x.gate === 'budget').map((x) => x.payload as BudgetView);
    assert.equal(views[0].step, 'analysts');
    const lowered = views[0].budgetUsd;
    const analystCost = state.calls.filter((c) => c.step !== 'integrate' && c.step !== 'outline' && c.step !== 'citations' && c.step !== 'fulltext');
    assert.ok(analystCost.reduce((n, c) => n + c.costUsd, 0) <= lowered, 'nothing was spent past the budget before it was raised');
    assert.equal(state.partialResults, true);
    const skipped = Object.values(state.analysts).filter((a) => a.errors.some((e) => e.startsWith('Skipped: the budget')));
    assert.ok(skipped.length >= 1);
    assert.ok(views.slice(1).every((v) => !v.partialAllowed), 'single-call steps cannot skip their call');
    assert.equal(state.budgetUsd, 5);
  });

  it('without a budget asks nothing', async () => {
    const library = await bundledLibrary();
    const reviewer = new ScriptedReviewer();
    const h = harness({ model: fakes.model, search: null, library, reviewer });
    const state = (await new Orchestrator(h.deps).start(PROBLEM)).state;
    assert.equal(state.status, 'done');
    assert.equal(reviewer.seen.filter((x) => x.gate === 'budget').length, 0);
  });
});
