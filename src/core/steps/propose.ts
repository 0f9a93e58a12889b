/**
 * Step 4 — proposal: synthesizer, template, analysts, web search, model, estimated cost and the
 * language of the analysis.
 * The person approves, modifies (a typed change, applied and shown again) or cancels; nothing
 * runs before approval.
 */
import * as z from 'zod';
import { CancelledByPerson, type RunContext } from '../context';
import { estimateRun } from '../estimate';
import { errorMessage } from '../errors';
import { analystCatalog, outputLanguageName, stepSystem } from '../promptText';
import { normalizeLanguageCode } from '../language';
import { parseJsonAnswer } from '../modelAnswers';
import type { ProposalDecision, ProposalView } from '../ports';
import type { Proposal } from '../state';

/** Whether the model can take message batches (overnight mode). */
export function canBatch(ctx: RunContext): boolean {
  return !ctx.model.demo && ctx.model.batches !== undefined;
}

const ProposalAnswer = z.object({ analysts: z.array(z.string()).default([]), rationale: z.string().default('') });

/** The estimate of a proposal; `estimatedCostUsd` is its expected value (0 in demo mode). */
export async function withEstimate(ctx: RunContext, p: Proposal): Promise<Proposal> {
  const estimate = await estimateRun(ctx, p);
  if (!estimate) {
    const { estimate: _none, ...rest } = p;
    return { ...rest, estimatedCostUsd: 0 };
  }
  return { ...p, estimate, estimatedCostUsd: estimate.expectedUsd };
}

/** Applies a `modify` decision; unknown ids are ignored with a warning, never guessed. */
export async function applyChanges(ctx: RunContext, p: Proposal, changes: Extract<ProposalDecision, { kind: 'modify' }>['changes']): Promise<Proposal> {
  const lib = ctx.library;
  const next = { ...p };
  if (changes.synthesizer !== undefined) {
    if (lib.synthesizers.some((x) => x.id === changes.synthesizer)) next.synthesizer = changes.synthesizer;
    else ctx.log.warn(`Unknown synthesizer "${changes.synthesizer}" ignored.`);
  }
  if (changes.template !== undefined) {
    if (lib.templates.some((x) => x.id === changes.template)) next.template = changes.template;
    else ctx.log.warn(`Unknown template "${changes.template}" ignored.`);
  }
  if (changes.analysts !== undefined) {
    const valid = [...new Set(changes.analysts.filter((id) => lib.analysts.some((a) => a.id === id)))];
    if (valid.length > 0) next.analysts = valid;
    else ctx.log.warn('A proposal needs at least one analyst; the analyst change was ignored.');
  }
  if (changes.webSearch !== undefined) next.webSearch = changes.webSearch && ctx.search !== null;
  if (changes.model !== undefined && changes.model.trim()) next.model = changes.model.trim();
  if (changes.language !== undefined) {
    const code = normalizeLanguageCode(changes.language);
    if (code) {
      ctx.state.language = code;
      ctx.state.languageSource = 'person';
    } else ctx.log.warn(`"${changes.language.slice(0, 40)}" is not a language code; the language was not changed.`);
  }
  if (changes.overnight !== undefined) next.overnight = changes.overnight && canBatch(ctx);
  if (changes.budgetUsd !== undefined) {
    const limit = ctx.settings.maxUsdPerRun;
    if (!(changes.budgetUsd > 0) || !Number.isFinite(changes.budgetUsd)) ctx.log.warn('A budget must be a positive amount; the budget change was ignored.');
    else if (limit !== null && changes.budgetUsd > limit) ctx.log.warn(`The proposal can only lower the budget of the setting ($${limit}); the budget change was ignored.`);
    else next.budgetUsd = changes.budgetUsd;
  }
  return withEstimate(ctx, next);
}

async function draft(ctx: RunContext): Promise<Proposal> {
  const s = ctx.state;
  const lib = ctx.library;
  const synth = lib.synthesizers.find((x) => x.id === s.synthesizerScores[0]?.id) ?? lib.synthesizers[0];
  const template = lib.templates.find((t) => t.id === s.template) ?? lib.templates[0];
  const known = new Set(lib.analysts.map((a) => a.id));
  const defaults = synth.defaultAnalysts.filter((id) => known.has(id));
  const call = await ctx.call({
    key: 'proposal',
    step: 'propose',
    label: 'proposal',
    system: stepSystem(ctx, 'proposal', {
      language_name: outputLanguageName(s),
      synthesizer_name: synth.name,
      synthesizer_method: synth.method,
      template_name: template.name,
      analyst_catalog: analystCatalog(lib.analysts),
      default_analysts: defaults.join(', ') || '(none)',
    }),
    messages: [{ role: 'user', content: 'Choose the analysts for this analysis and answer with the JSON object.' }],
    maxTokens: 800,
  });
  let analysts = defaults;
  let rationale = '';
  try {
    const a = parseJsonAnswer(call.text, ProposalAnswer);
    const chosen = [...new Set(a.analysts.filter((id) => known.has(id)))];
    if (chosen.length > 0) analysts = chosen;
    rationale = a.rationale;
  } catch (err) {
    ctx.log.warn(`The analyst choice could not be used (${errorMessage(err)}); the synthesizer's default analysts are proposed.`);
  }
  if (analysts.length === 0) analysts = lib.analysts.slice(0, 3).map((a) => a.id);
  const p: Proposal = {
    synthesizer: synth.id,
    template: template.id,
    analysts,
    webSearch: s.webSearchAllowed,
    model: ctx.modelFor('analysts'),
    estimatedCostUsd: 0,
    rationale,
  };
  return withEstimate(ctx, p);
}

export async function runPropose(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const lib = ctx.library;
  if (!s.proposal) {
    s.proposal = await draft(ctx);
    s.proposalApproved = false;
  }
  for (;;) {
    await ctx.awaitPerson('proposal');
    const view: ProposalView = {
      proposal: s.proposal,
      availableSynthesizers: lib.synthesizers.map((x) => ({ id: x.id, name: x.name, score: s.synthesizerScores.find((sc) => sc.id === x.id)?.score })),
      availableTemplates: lib.templates.map((t) => ({ id: t.id, name: t.name })),
      availableAnalysts: lib.analysts.map((a) => ({ id: a.id, name: a.name })),
      webSearchAvailable: ctx.search !== null,
      language: s.language,
      languageSource: s.languageSource,
      overnightAvailable: canBatch(ctx),
      budgetLimitUsd: ctx.settings.maxUsdPerRun,
    };
    const decision = await ctx.ask(ctx.reviewer.reviewProposal(view, s));
    ctx.runLog.decision({ step: 'propose', gate: 'proposal', decision: decision.kind, detail: decision.kind === 'modify' ? JSON.stringify(decision.changes) : '' });
    ctx.record('propose', 'decision', decision.kind);
    if (decision.kind === 'cancel') throw new CancelledByPerson('proposal');
    if (decision.kind === 'approve') {
      s.proposalApproved = true;
      s.webSearchAllowed = s.proposal.webSearch && ctx.search !== null;
      if (s.proposal.budgetUsd !== undefined) s.budgetUsd = s.proposal.budgetUsd;
      break;
    }
    // Saved when the gate opens again, right after.
    s.proposal = await applyChanges(ctx, s.proposal, decision.changes);
  }
  await ctx.resumeWork();
}
