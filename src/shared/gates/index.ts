/**
 * The human gates of the workflow, each defined once in its own module (sources, clarify,
 * proposal, outline, failures, budget): what the workflow asks, what the person answers, and the
 * rules an answer must meet. From those schemas come the core's port types (src/core/ports.ts),
 * the gates the panel receives and the answers it sends (src/shared/protocol.ts), and the forms'
 * types (media/src): a field added to a gate's request reaches the panel without being copied.
 *
 * A gate in the panel is its request as the core sent it, with `kind`, a `gateId` (answers to
 * another id are stale) and, for the sources gate, the form's own state. An answer is the gate's
 * decision as the core receives it (the sources gate's answer is the web search choice; the
 * documents are the form's state).
 *
 * Owns: that derivation, opening a gate from a request, and turning an answer into the
 * decision. Must not: import `vscode`, DOM APIs or the core. Written with `zod/mini` (bundled
 * into the webview).
 */
import * as z from 'zod/mini';
import { BudgetDecision, BudgetView, acceptBudget } from './budget';
import { ClarificationAnswer, ClarifyRequest, acceptClarification } from './clarify';
import { FailureDecision, FailureView, acceptFailures } from './failures';
import { OutlineDecision, OutlineView, acceptOutline } from './outline';
import { ProposalDecision, ProposalView, acceptProposal } from './proposal';
import { SourceChoice, SourceChoiceRequest, SourcesAnswer, SourcesFormState, acceptSources, initialSourcesState } from './sources';

export * from './budget';
export * from './clarify';
export * from './failures';
export * from './outline';
export * from './proposal';
export * from './sources';

/** Identifies one question to the person; answers carrying another id are stale and ignored. */
export const GateId = z.int().check(z.nonnegative());

const header = <K extends string>(kind: K) => ({ kind: z.literal(kind), gateId: GateId });

export const SourcesGate = z.extend(SourceChoiceRequest, { ...header('sources'), ...SourcesFormState });
export const ClarifyGate = z.extend(ClarifyRequest, header('clarify'));
export const ProposalGate = z.extend(ProposalView, header('proposal'));
export const OutlineGate = z.extend(OutlineView, header('outline'));
export const FailuresGate = z.extend(FailureView, header('failures'));
export const BudgetGate = z.extend(BudgetView, header('budget'));

export const Gate = z.discriminatedUnion('kind', [SourcesGate, ClarifyGate, ProposalGate, OutlineGate, FailuresGate, BudgetGate]);
export type Gate = z.infer<typeof Gate>;
export type GateKind = Gate['kind'];
export type GateOf<K extends GateKind> = Extract<Gate, { kind: K }>;
export type SourcesGate = GateOf<'sources'>;
export type ClarifyGate = GateOf<'clarify'>;
export type ProposalGate = GateOf<'proposal'>;
export type OutlineGate = GateOf<'outline'>;
export type FailuresGate = GateOf<'failures'>;
export type BudgetGate = GateOf<'budget'>;

const answerTo = <K extends GateKind, A extends z.ZodMiniType>(gate: K, answer: A) =>
  z.object({ type: z.literal('answer'), gate: z.literal(gate), gateId: GateId, answer });

/** The person's answer to a gate, as the panel sends it. */
export const GateAnswerMessage = z.discriminatedUnion('gate', [
  answerTo('sources', SourcesAnswer),
  answerTo('clarify', ClarificationAnswer),
  answerTo('proposal', ProposalDecision),
  answerTo('outline', OutlineDecision),
  answerTo('failures', FailureDecision),
  answerTo('budget', BudgetDecision),
]);
export type GateAnswerMessage = z.infer<typeof GateAnswerMessage>;
export type GateAnswer<K extends GateKind> = Extract<GateAnswerMessage, { gate: K }>['answer'];

/** The schema of what the workflow asks at each gate. */
export const GateRequestSchemas = {
  sources: SourceChoiceRequest,
  clarify: ClarifyRequest,
  proposal: ProposalView,
  outline: OutlineView,
  failures: FailureView,
  budget: BudgetView,
} satisfies { [K in GateKind]: z.ZodMiniType };

/** What the workflow asks at each gate (the core's Reviewer port takes these). */
export type GateRequests = { [K in GateKind]: z.infer<(typeof GateRequestSchemas)[K]> };

/** What the workflow receives from each gate. */
export interface GateDecisions {
  sources: SourceChoice;
  clarify: ClarificationAnswer;
  proposal: ProposalDecision;
  outline: OutlineDecision;
  failures: FailureDecision;
  budget: BudgetDecision;
}

interface GateRule<K extends GateKind> {
  /** The decision when the gate is cancelled (the run stops, or another gate replaces it). */
  cancel: GateDecisions[K];
  /** The decision for an answer, or undefined when the answer does not fit (the gate stays open). */
  accept(gate: GateOf<K>, answer: GateAnswer<K>): GateDecisions[K] | undefined;
}

const RULES: { [K in GateKind]: GateRule<K> } = {
  sources: { cancel: { kind: 'cancel' }, accept: acceptSources },
  clarify: { cancel: { kind: 'cancel' }, accept: acceptClarification },
  proposal: { cancel: { kind: 'cancel' }, accept: acceptProposal },
  outline: { cancel: { kind: 'cancel' }, accept: acceptOutline },
  failures: { cancel: { kind: 'abort' }, accept: acceptFailures },
  budget: { cancel: { kind: 'cancel' }, accept: acceptBudget },
};

/** The gate the panel shows for a request: the request itself, with its kind and id. */
export function openGate<K extends GateKind>(kind: K, gateId: number, request: GateRequests[K]): GateOf<K> {
  const form = kind === 'sources' ? initialSourcesState(request as SourceChoiceRequest) : {};
  return { ...request, ...form, kind, gateId } as unknown as GateOf<K>;
}

export function cancelDecision<K extends GateKind>(kind: K): GateDecisions[K] {
  return RULES[kind].cancel;
}

/** The decision for an answer to `gate`; undefined when the answer is for another gate or does not fit. */
export function decide<K extends GateKind>(gate: GateOf<K>, message: GateAnswerMessage): GateDecisions[K] | undefined {
  if (message.gate !== gate.kind || message.gateId !== gate.gateId) return undefined;
  const rule = RULES[gate.kind] as GateRule<K>;
  return rule.accept(gate, message.answer as GateAnswer<K>);
}
