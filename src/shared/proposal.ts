/**
 * The proposal the person approves, and its cost estimate: part of the saved state (the core's
 * schema embeds these) and of the proposal gate the panel shows. Like everything in src/shared/,
 * it is bundled into both the extension and the webview, so it is written with `zod/mini`.
 *
 * Owns: the shape of a proposal and of its estimate. Must not: compute an estimate (the core's
 * estimate.ts does), import `vscode` or DOM APIs.
 */
import * as z from 'zod/mini';

const Usd = z.number().check(z.nonnegative());

/** The cost estimate shown with the proposal: a range, its main parts, and how it was made. */
export const CostEstimateSchema = z.object({
  lowUsd: Usd,
  expectedUsd: Usd,
  highUsd: Usd,
  /** Already spent before the proposal (parse, sources, proposal), included in the range. */
  spentUsd: Usd,
  parts: z.object({ analysts: Usd, writing: Usd, search: Usd }),
  /** `counted`: input tokens from the token-counting endpoint; `heuristic`: about 4 characters per token. */
  method: z.enum(['counted', 'heuristic']),
  /** Why counting was not used, when it was not. */
  fallbackReason: z.optional(z.string()),
  /** Models of the run without a known price: their calls are not in the range. */
  unpricedModels: z._default(z.array(z.string()), []),
  /** Through the Message Batches API (overnight), at the batch price. */
  overnight: z._default(z.boolean(), false),
  pricesReadOn: z.string(),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;

export const ProposalSchema = z.object({
  synthesizer: z.string(),
  template: z.string(),
  analysts: z.array(z.string()).check(z.minLength(1)),
  webSearch: z.boolean(),
  model: z.string(),
  estimatedCostUsd: Usd,
  rationale: z._default(z.string(), ''),
  estimate: z.optional(CostEstimateSchema),
  /** Run the analysts through the Message Batches API (about half the cost, results later). */
  overnight: z.optional(z.boolean()),
  /** A budget for this run lower than the setting's, chosen at the proposal. */
  budgetUsd: z.optional(z.number().check(z.positive())),
});
export type Proposal = z.infer<typeof ProposalSchema>;
