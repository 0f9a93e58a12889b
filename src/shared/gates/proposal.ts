/**
 * The proposal gate, defined once: the proposal to approve with the choices it can be changed
 * to (frameworks, templates, analysts, language, overnight, budget), and the person's decision
 * (approve, change, cancel).
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rule that drops changes to what is not available. Must not: apply changes (the core's
 * propose step does), import `vscode`, DOM APIs or the core. Written with `zod/mini` (bundled
 * into the webview).
 */
import * as z from 'zod/mini';
import { ProposalSchema } from '../proposal';
import { LANGUAGE_SOURCES } from '../workflowNames';

const Choice = z.object({ id: z.string(), name: z.string() });

export const ProposalView = z.object({
  proposal: ProposalSchema,
  availableSynthesizers: z.array(z.extend(Choice, { score: z.optional(z.number()) })),
  availableTemplates: z.array(Choice),
  availableAnalysts: z.array(Choice),
  webSearchAvailable: z.boolean(),
  /** The run's language (a code) and where it came from; the person can change it here. */
  language: z.string(),
  languageSource: z.nullable(z.enum(LANGUAGE_SOURCES)),
  /** Whether the analysts can run overnight through the Message Batches API. */
  overnightAvailable: z.optional(z.boolean()),
  /** The budget per run of the setting (the proposal may only lower it); `null`: none. */
  budgetLimitUsd: z.optional(z.nullable(z.number())),
});
export type ProposalView = z.infer<typeof ProposalView>;

/** What the person may change in the proposal. */
export const ProposalChanges = z.partial(
  z.object({
    synthesizer: z.string().check(z.minLength(1)),
    template: z.string().check(z.minLength(1)),
    analysts: z.array(z.string()).check(z.minLength(1)),
    webSearch: z.boolean(),
    model: z.string().check(z.trim(), z.minLength(1)),
    /** A language code for the analysis. */
    language: z.string().check(z.trim(), z.regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language code')),
    overnight: z.boolean(),
    budgetUsd: z.number().check(z.positive()),
  }),
);
export type ProposalChanges = z.infer<typeof ProposalChanges>;

export const ProposalDecision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approve') }),
  z.object({ kind: z.literal('modify'), changes: ProposalChanges }),
  z.object({ kind: z.literal('cancel') }),
]);
export type ProposalDecision = z.infer<typeof ProposalDecision>;

/** Changes to web search or overnight are dropped when they are not available. */
export function acceptProposal(view: ProposalView, decision: ProposalDecision): ProposalDecision {
  if (decision.kind !== 'modify') return decision;
  const changes = { ...decision.changes };
  if (!view.webSearchAvailable) delete changes.webSearch;
  if (!view.overnightAvailable) delete changes.overnight;
  return { kind: 'modify', changes };
}
