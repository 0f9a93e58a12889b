import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { AnthropicModel } from '../../src/providers/anthropic';
import { harness, ScriptedReviewer } from '../helpers/core';
import { bundledLibrary, startFakes } from '../helpers/fakeRun';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

async function proposalOf(model: AnthropicModel, settings: Record<string, unknown> = {}) {
  const library = await bundledLibrary();
  const reviewer = new ScriptedReviewer({ proposal: [{ kind: 'cancel' }] });
  const h = harness({ model, search: null, library, reviewer, settings });
  h.workspace.files.set('notes.md', 'Our distributor in Munich reports demand growth.\n'.repeat(200));
  const { state } = await new Orchestrator(h.deps).start(PROBLEM);
  return state;
}

describe('the cost estimate at the proposal', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes();
  });
  after(() => fakes.close());

  it('counts input tokens through messages.countTokens and shows a range with its parts', async () => {
    fakes.anthropic.clearRequests();
    const state = await proposalOf(fakes.model);
    const e = state.proposal!.estimate!;
    assert.equal(e.method, 'counted');
    const counts = fakes.anthropic.requests.filter((r) => r.path.endsWith('/count_tokens'));
    assert.equal(counts.length, 3, 'the shared prefix, the analyst instructions and one analyst call');
    assert.ok(counts.every((r) => r.status === 200 && (r.body as { max_tokens?: number }).max_tokens === undefined));
    assert.ok(e.lowUsd <= e.expectedUsd && e.expectedUsd <= e.highUsd);
    assert.ok(e.parts.analysts > 0 && e.parts.writing > 0);
    assert.equal(e.parts.search, 0);
    assert.equal(state.proposal!.estimatedCostUsd, e.expectedUsd);
    assert.ok(e.spentUsd > 0, 'the calls before the proposal are part of the run');
    assert.deepEqual(e.unpricedModels, []);
    assert.equal(e.pricesReadOn, '2026-12-01');
  });

  it('falls back to the heuristic and says why when the endpoint cannot count', async () => {
    const noCount = await startFakes({ anthropic: { countTokens: false } });
    try {
      const state = await proposalOf(noCount.model);
      const e = state.proposal!.estimate!;
      assert.equal(e.method, 'heuristic');
      assert.match(e.fallbackReason ?? '', /token counting failed/);
      assert.ok(e.expectedUsd > 0);
    } finally {
      await noCount.close();
    }
  });

  it('retries a rate-limited count (429) and still counts', async () => {
    const limited = await startFakes({ anthropic: { countFaults: [{ kind: 'rate-limit', retryAfterSeconds: 0 }] } });
    try {
      const state = await proposalOf(limited.model);
      assert.equal(state.proposal!.estimate!.method, 'counted');
      assert.equal(limited.anthropic.requests.filter((r) => r.path.endsWith('/count_tokens') && r.status === 429).length, 1);
    } finally {
      await limited.close();
    }
  });

  it('names a model without a price instead of pricing it, and records its calls as unpriced', async () => {
    const state = await proposalOf(fakes.model, { defaultModel: 'gateway-model-x' });
    const e = state.proposal!.estimate!;
    assert.deepEqual(e.unpricedModels, ['gateway-model-x']);
    assert.ok(state.calls.length > 0);
    assert.ok(state.calls.every((c) => c.priced === false && c.costUsd === 0));
    assert.equal(e.spentUsd, 0);
  });
});
