/**
 * Cost accounting: a price table as data, the cost of one call, of a step and of a run, and
 * the estimate shown with the proposal.
 *
 * Prices are USD per million tokens, read from the provider's published pricing on `readOn`.
 * Cache writes (5-minute TTL) cost 1.25x the input price and cache reads 0.1x, as documented.
 */
import type { StepName, TokenUsage, WorkflowState } from './state';

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface PriceTable {
  readOn: string;
  models: Record<string, ModelPrice>;
  /** Used for a model id not in the table (a gateway alias, a local server): priced as Sonnet. */
  fallback: string;
  /** Exa search price per request (search with contents), USD. */
  searchUsd: number;
}

function priced(input: number, output: number): ModelPrice {
  return { input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 };
}

export const DEFAULT_PRICES: PriceTable = {
  readOn: '2026-11-22',
  models: {
    'claude-sonnet-5-5': priced(2, 10),
    'claude-sonnet-5': priced(2, 10),
    'claude-opus-5-5': priced(5, 25),
    'claude-opus-5': priced(5, 25),
    'claude-fable-5-1': priced(10, 50),
    'claude-sonnet-4-6': priced(3, 15),
    'claude-sonnet-4-5': priced(3, 15),
    'claude-haiku-4-5': priced(1, 5),
  },
  fallback: 'claude-sonnet-5-5',
  searchUsd: 0.005,
};

/** The price entry for a model id, matching dated ids (`claude-haiku-4-5-20251001`) by prefix. */
export function priceFor(table: PriceTable, model: string): ModelPrice {
  if (table.models[model]) return table.models[model];
  const match = Object.keys(table.models)
    .filter((id) => model.startsWith(id))
    .sort((a, b) => b.length - a.length)[0];
  return table.models[match ?? table.fallback] ?? table.models[table.fallback];
}

/** USD cost of one call. `inputTokens` excludes cache reads and writes, as the API reports it. */
export function callCost(table: PriceTable, model: string, usage: TokenUsage): number {
  const p = priceFor(table, model);
  return (
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      (usage.cacheCreationInputTokens ?? 0) * p.cacheWrite +
      (usage.cacheReadInputTokens ?? 0) * p.cacheRead) /
    1_000_000
  );
}

/** USD billed for input only (fresh input, cache writes and reads): what caching changes. */
export function inputCost(table: PriceTable, model: string, usage: TokenUsage): number {
  const p = priceFor(table, model);
  return (
    (usage.inputTokens * p.input +
      (usage.cacheCreationInputTokens ?? 0) * p.cacheWrite +
      (usage.cacheReadInputTokens ?? 0) * p.cacheRead) /
    1_000_000
  );
}

export function runCost(state: Pick<WorkflowState, 'calls' | 'searches'>): number {
  return (
    state.calls.reduce((sum, c) => sum + c.costUsd, 0) + state.searches.reduce((sum, s) => sum + s.costUsd, 0)
  );
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

/** Rough token count used for estimates (about four characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface EstimateInput {
  /** Tokens of the shared prefix (instructions, problem, context documents). */
  sharedTokens: number;
  analysts: number;
  webSearches: number;
  models: { analysts: string; integrate: string; outline: string; citations: string; fulltext: string };
  targetWords: number;
}

/**
 * Estimated cost of the steps still to run after the proposal: analysts (the first writes the
 * cache, the others read it), integration, one outline, citations and the full text.
 */
export function estimateRunCost(table: PriceTable, e: EstimateInput): number {
  const analystOut = 1800;
  const analystOwn = 900;
  const analystPrice = priceFor(table, e.models.analysts);
  const analysts =
    e.analysts > 0
      ? (e.sharedTokens * analystPrice.cacheWrite +
          (e.analysts - 1) * e.sharedTokens * analystPrice.cacheRead +
          e.analysts * (analystOwn * analystPrice.input + analystOut * analystPrice.output)) /
        1_000_000
      : 0;
  const outputsTokens = e.analysts * analystOut;
  const one = (model: string, input: number, output: number) =>
    callCost(table, model, { inputTokens: input, outputTokens: output, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  const docTokens = Math.ceil(e.targetWords * 1.5);
  return (
    analysts +
    one(e.models.integrate, e.sharedTokens + outputsTokens + 800, 2000) +
    one(e.models.outline, e.sharedTokens + 2800, 1200) +
    one(e.models.citations, e.sharedTokens + 3000, 1200) +
    one(e.models.fulltext, e.sharedTokens + 6000, docTokens) +
    e.webSearches * table.searchUsd
  );
}
