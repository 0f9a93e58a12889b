/**
 * Cost accounting: the cost of one call (interactive or through the Batches API), of a step and
 * of a run, from the price table in pricing.ts.
 *
 * Owns: the arithmetic of usage × price (fresh input, 5-minute and 1-hour cache writes, cache
 * reads, output, batch discount) and the sums over a run. Must not: hold prices (pricing.ts) or
 * pretend to know the cost of a model without a price: such a call costs `null` and the run
 * lists it under `unpricedModels`.
 */
import { priceFor, type ModelPrice, type PriceTable } from './pricing';
import type { StepName, TokenUsage, WorkflowState } from './state';

export { DEFAULT_PRICES, priceFor, type ModelPrice, type PriceTable } from './pricing';

/** USD of `usage` at price `p`. `inputTokens` excludes cache reads and writes, as the API reports. */
export function usageCost(p: ModelPrice, usage: TokenUsage, options: { batch?: boolean; outputs?: boolean } = {}): number {
  const writes = usage.cacheCreationInputTokens ?? 0;
  const writes1h = Math.min(writes, usage.cacheCreation1hInputTokens ?? 0);
  const usd =
    (usage.inputTokens * p.input +
      (options.outputs === false ? 0 : usage.outputTokens * p.output) +
      (writes - writes1h) * p.cacheWrite5m +
      writes1h * p.cacheWrite1h +
      (usage.cacheReadInputTokens ?? 0) * p.cacheRead) /
    1_000_000;
  return options.batch ? usd * (1 - p.batchDiscount) : usd;
}

/** USD cost of one call, or `null` when the model has no known price. */
export function callCost(table: PriceTable, model: string, usage: TokenUsage, options: { batch?: boolean } = {}): number | null {
  const p = priceFor(table, model);
  return p ? usageCost(p, usage, options) : null;
}

/** USD billed for input only (fresh input, cache writes and reads): what caching changes. */
export function inputCost(table: PriceTable, model: string, usage: TokenUsage, options: { batch?: boolean } = {}): number {
  const p = priceFor(table, model);
  return p ? usageCost(p, usage, { ...options, outputs: false }) : 0;
}

export function runCost(state: Pick<WorkflowState, 'calls' | 'searches'> & { pageLookups?: WorkflowState['pageLookups'] }): number {
  return (
    state.calls.reduce((sum, c) => sum + c.costUsd, 0) +
    state.searches.reduce((sum, s) => sum + s.costUsd, 0) +
    (state.pageLookups ?? []).reduce((sum, p) => sum + p.costUsd, 0)
  );
}

/** Models of the run's calls that had no known price (their cost is not in `runCost`). */
export function unpricedModels(state: Pick<WorkflowState, 'calls'>): string[] {
  return [...new Set(state.calls.filter((c) => c.priced === false).map((c) => c.model))];
}

export function stepCost(state: Pick<WorkflowState, 'calls'>, step: StepName): number {
  return state.calls.filter((c) => c.step === step).reduce((sum, c) => sum + c.costUsd, 0);
}

export function totalUsage(calls: WorkflowState['calls']): TokenUsage {
  return calls.reduce<TokenUsage>(
    (acc, c) => ({
      inputTokens: acc.inputTokens + c.usage.inputTokens,
      outputTokens: acc.outputTokens + c.usage.outputTokens,
      cacheCreationInputTokens: acc.cacheCreationInputTokens + c.usage.cacheCreationInputTokens,
      cacheReadInputTokens: acc.cacheReadInputTokens + c.usage.cacheReadInputTokens,
    }),
    { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
  );
}

/** Rough token count (about four characters per token), used when counting is unavailable. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
