/**
 * The gate of failed analysts, defined once: which analysts failed (and why), which succeeded,
 * and the person's decision (retry the failed ones, continue with partial results, abort).
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rule that partial results need an analyst that succeeded. Must not: import `vscode`, DOM
 * APIs or the core. Written with `zod/mini` (bundled into the webview).
 */
import * as z from 'zod/mini';

export const FailureView = z.object({
  failed: z.array(z.object({ id: z.string(), errors: z.array(z.string()) })),
  succeeded: z.array(z.string()),
  threshold: z.int(),
});
export type FailureView = z.infer<typeof FailureView>;

export const FailureDecision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('retry-failed') }),
  z.object({ kind: z.literal('continue-partial') }),
  z.object({ kind: z.literal('abort') }),
]);
export type FailureDecision = z.infer<typeof FailureDecision>;

/** Continuing with partial results is offered only when some analyst succeeded (else: still open). */
export function acceptFailures(view: FailureView, decision: FailureDecision): FailureDecision | undefined {
  if (decision.kind === 'continue-partial' && view.succeeded.length === 0) return undefined;
  return decision;
}
