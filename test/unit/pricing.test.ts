import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callCost, runCost, unpricedModels } from '../../src/core/cost';
import { ceilingPrice, DEFAULT_PRICES, priceFor, withOverrides } from '../../src/core/pricing';

const usage = (u: Partial<{ i: number; o: number; w: number; w1h: number; r: number }>) => ({
  inputTokens: u.i ?? 0,
  outputTokens: u.o ?? 0,
  cacheCreationInputTokens: u.w ?? 0,
  cacheCreation1hInputTokens: u.w1h,
  cacheReadInputTokens: u.r ?? 0,
});

describe('price table', () => {
  it('is data with the date it was read, and every price field per model', () => {
    assert.match(DEFAULT_PRICES.readOn, /^\d{4}-\d{2}-\d{2}$/);
    for (const [id, p] of Object.entries(DEFAULT_PRICES.models)) {
      for (const f of ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead', 'batchDiscount'] as const) {
        assert.equal(typeof p[f], 'number', `${id}.${f}`);
      }
    }
  });

  it('does not assume one cache-read multiplier for every model', () => {
    const ratio = (id: string) => Math.round((priceFor(DEFAULT_PRICES, id)!.cacheRead / priceFor(DEFAULT_PRICES, id)!.input) * 1000) / 1000;
    assert.equal(ratio('claude-opus-5-5'), 0.05);
    assert.equal(ratio('claude-sonnet-4-6'), 0.1);
    assert.equal(ratio('claude-fable-5-1'), 0.025);
  });

  it('matches dated model ids by prefix, the longest first, and knows nothing else', () => {
    assert.equal(priceFor(DEFAULT_PRICES, 'claude-sonnet-5-5-20261001'), DEFAULT_PRICES.models['claude-sonnet-5-5']);
    assert.equal(priceFor(DEFAULT_PRICES, 'claude-sonnet-5-20260630'), DEFAULT_PRICES.models['claude-sonnet-5']);
    assert.equal(priceFor(DEFAULT_PRICES, 'my-gateway-model'), undefined);
    assert.equal(priceFor(DEFAULT_PRICES, 'claude-sonnet-55'), undefined);
  });

  it('prices 5-minute and 1-hour cache writes, reads and the batch discount', () => {
    const p = DEFAULT_PRICES.models['claude-sonnet-5-5'];
    const u = usage({ i: 1_000_000, o: 1_000_000, w: 2_000_000, w1h: 1_000_000, r: 1_000_000 });
    const full = p.input + p.output + p.cacheWrite5m + p.cacheWrite1h + p.cacheRead;
    assert.equal(callCost(DEFAULT_PRICES, 'claude-sonnet-5-5', u), full);
    assert.equal(callCost(DEFAULT_PRICES, 'claude-sonnet-5-5', u, { batch: true }), full * 0.5);
  });

  it('gives an unknown model no cost at all, and the run lists it', () => {
    assert.equal(callCost(DEFAULT_PRICES, 'local-llama', usage({ i: 1000, o: 1000 })), null);
    const calls = [
      { costUsd: 0.5, model: 'claude-sonnet-5-5' },
      { costUsd: 0, model: 'local-llama', priced: false },
    ] as never;
    assert.equal(runCost({ calls, searches: [] }), 0.5);
    assert.deepEqual(unpricedModels({ calls }), ['local-llama']);
  });

  it('takes overrides per model, derives cache prices of a new model from its input, rejects bad entries', () => {
    const { table, problems } = withOverrides(DEFAULT_PRICES, {
      'claude-sonnet-5-5': { output: 8 },
      'gateway-model': { input: 1, output: 4 },
      'half-model': { input: 1 },
      'bad-model': { input: -1, output: 2 },
      'typo-model': { inptu: 1, output: 2 },
    });
    assert.equal(table.models['claude-sonnet-5-5'].output, 8);
    assert.equal(table.models['claude-sonnet-5-5'].cacheRead, DEFAULT_PRICES.models['claude-sonnet-5-5'].cacheRead);
    assert.deepEqual(table.models['gateway-model'], { input: 1, output: 4, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, batchDiscount: 0 });
    assert.equal(table.models['half-model'], undefined);
    assert.equal(table.models['bad-model'], undefined);
    assert.equal(table.models['typo-model'], undefined);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /half-model.*needs at least "input" and "output"/);
    assert.equal(DEFAULT_PRICES.models['claude-sonnet-5-5'].output, 10, 'the published table is untouched');
    assert.equal(withOverrides(DEFAULT_PRICES, 'nonsense').problems.length, 1);
  });

  it('bounds an unknown model at the highest price of the table', () => {
    const c = ceilingPrice(DEFAULT_PRICES);
    assert.equal(c.output, Math.max(...Object.values(DEFAULT_PRICES.models).map((p) => p.output)));
    assert.equal(c.batchDiscount, 0);
  });
});
