/**
 * The budget gate, defined once: the paid call that could take the run past its budget (spent,
 * reserved, the call's upper bound), and the person's decision (raise the budget, continue with
 * what is done, cancel).
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rules a decision must meet. Must not: compute costs (the core does), import `vscode`, DOM
 * APIs or the core. Written with `zod/mini` (bundled into the webview).
 */
import * as z from 'zod/mini';
import { STEPS } from '../workflowNames';

/** The run stopped before a paid call that could take it past its budget. */
export const BudgetView = z.object({
  step: z.enum(STEPS),
  /** What the call is (`analyst:market`, `search`, `fulltext`). */
  label: z.string(),
  spentUsd: z.number(),
  /** Reserved by calls in flight, not yet billed. */
  reservedUsd: z.number(),
  /** Upper bound of the call that would be made. */
  nextCallUsd: z.number(),
  budgetUsd: z.number(),
  /** Whether the step can go on with what is done (skipping the remaining calls of the step). */
  partialAllowed: z.boolean(),
});
export type BudgetView = z.infer<typeof BudgetView>;

export const BudgetDecision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('raise'), budgetUsd: z.number().check(z.positive()) }),
  z.object({ kind: z.literal('continue-partial') }),
  z.object({ kind: z.literal('cancel') }),
]);
export type BudgetDecision = z.infer<typeof BudgetDecision>;

/** A raise must go above the current budget, partial only where the step allows it (else: still open). */
export function acceptBudget(view: BudgetView, decision: BudgetDecision): BudgetDecision | undefined {
  if (decision.kind === 'raise') return decision.budgetUsd > view.budgetUsd ? decision : undefined;
  if (decision.kind === 'continue-partial') return view.partialAllowed ? decision : undefined;
  return decision;
}
