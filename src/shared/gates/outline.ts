/**
 * The outline gate, defined once: the outline to approve with its revisions, and the person's
 * decision (approve, possibly edited; request changes; cancel).
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rule that an unchanged edit is a plain approval. Must not: import `vscode`, DOM APIs or the
 * core. Written with `zod/mini` (bundled into the webview).
 */
import * as z from 'zod/mini';

export const OutlineView = z.object({
  current: z.string(),
  revisions: z.array(
    z.object({
      n: z.int(),
      text: z.string(),
      author: z.enum(['model', 'person']),
      feedback: z.optional(z.string()),
    }),
  ),
});
export type OutlineView = z.infer<typeof OutlineView>;

export const OutlineDecision = z.discriminatedUnion('kind', [
  /** `editedText`: the person edited the outline in the panel before approving. */
  z.object({ kind: z.literal('approve'), editedText: z.optional(z.string()) }),
  z.object({ kind: z.literal('request-changes'), feedback: z.string().check(z.trim(), z.minLength(1)) }),
  z.object({ kind: z.literal('cancel') }),
]);
export type OutlineDecision = z.infer<typeof OutlineDecision>;

/** An edit that is empty or leaves the outline as it was approves it as proposed. */
export function acceptOutline(view: OutlineView, decision: OutlineDecision): OutlineDecision {
  if (decision.kind === 'request-changes') return { kind: 'request-changes', feedback: decision.feedback.trim() };
  if (decision.kind !== 'approve') return decision;
  const edited = decision.editedText?.trim() && decision.editedText !== view.current ? decision.editedText : undefined;
  return edited ? { kind: 'approve', editedText: edited } : { kind: 'approve' };
}
