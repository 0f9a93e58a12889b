/**
 * The money parts of the panel's forms: the estimate shown with the proposal (a range, its main
 * parts, how it was made), the proposal's overnight choice and budget for the run, and the form
 * of the budget gate.
 *
 * Owns: building these elements and their protocol messages. Must not: compute costs (the core
 * does) or decide whether a budget is acceptable beyond showing the person what the extension
 * will refuse.
 */
import type { BudgetGate, ProposalGate, WebviewStrings } from '../../src/shared/protocol';
import { stepName, usd } from '../../src/shared/labels';
import { button, format, h, icon, uid } from './dom';
import { postAnswer, type GateContext } from './formParts';

/** The estimate of the proposal: range and parts, or a single figure for older states. */
export function estimateBlock(gate: ProposalGate, s: WebviewStrings): HTMLElement {
  const p = gate.proposal;
  const e = p.estimate;
  if (!e) {
    return h('p', { class: 'cost' }, icon('credit-card'), ' ', format(s.estimatedCost, usd(p.estimatedCostUsd)));
  }
  return h(
    'div',
    { class: 'estimate', role: 'group', 'aria-label': format(s.estimatedCost, usd(e.expectedUsd)) },
    h('p', { class: 'cost' }, icon('credit-card'), ' ', format(s.estimateRange, usd(e.lowUsd), usd(e.highUsd), usd(e.expectedUsd))),
    h('p', { class: 'muted estimate-parts' }, format(s.estimateParts, usd(e.parts.analysts), usd(e.parts.writing), usd(e.parts.search))),
    e.spentUsd > 0 ? h('p', { class: 'muted' }, format(s.estimateSpent, usd(e.spentUsd))) : null,
    h(
      'p',
      { class: 'hint estimate-method' },
      e.method === 'counted' ? format(s.estimateCounted, e.pricesReadOn) : format(s.estimateHeuristic, e.fallbackReason ?? '', e.pricesReadOn),
    ),
    e.unpricedModels.length
      ? h('p', { class: 'banner banner-warning', role: 'note' }, icon('warning'), h('span', {}, format(s.estimateUnpriced, e.unpricedModels.join(', '))))
      : null,
  );
}

export interface ProposalCostChoice {
  overnight: boolean;
  /** As typed; empty: no budget of its own. */
  budget: string;
}

/** Parses the typed budget: `undefined` when empty, `null` when invalid. */
export function parseBudget(text: string, limit: number | null): number | undefined | null {
  const t = text.trim().replace(',', '.');
  if (!t) return undefined;
  const v = Number(t);
  if (!Number.isFinite(v) || v <= 0 || (limit !== null && v > limit)) return null;
  return v;
}

/** The overnight checkbox and the budget field of the proposal. */
export function proposalCostFields(
  gate: ProposalGate,
  s: WebviewStrings,
  current: ProposalCostChoice,
  onChange: () => void,
  checkbox: (label: string, checked: boolean, onChange: (checked: boolean) => void, options?: { disabled?: boolean; describedBy?: string }) => HTMLElement,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (gate.overnightAvailable) {
    const hint = uid('hint');
    out.push(
      checkbox(
        s.overnight,
        current.overnight,
        (checked) => {
          current.overnight = checked;
          onChange();
        },
        { describedBy: hint },
      ),
      h('p', { id: hint, class: 'hint' }, s.overnightHint),
    );
  }
  const id = uid('budget');
  const hint = uid('hint');
  const limit = gate.budgetLimitUsd ?? null;
  const input = h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false', 'aria-describedby': limit !== null ? hint : undefined });
  input.value = current.budget;
  input.addEventListener('input', () => {
    current.budget = input.value;
    onChange();
  });
  out.push(
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, s.budgetForRun),
      input,
      limit !== null ? h('p', { id: hint, class: 'hint' }, format(s.budgetHint, usd(limit))) : null,
    ),
  );
  return out;
}

/** The budget gate: spent vs budget, the next call's bound, and the three choices. */
export function budgetForm(
  gate: BudgetGate,
  ctx: GateContext,
): HTMLElement {
  const { s, draft } = ctx;
  const id = uid('budget');
  const input = h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false' });
  const suggested = Math.ceil((gate.spentUsd + gate.reservedUsd + gate.nextCallUsd) * 1.5 * 100) / 100;
  input.value = typeof draft.raise === 'string' ? draft.raise : String(Math.max(suggested, gate.budgetUsd * 2));
  const error = h('p', { class: 'error', role: 'alert' });
  input.addEventListener('input', () => {
    draft.raise = input.value;
    ctx.save();
    error.textContent = '';
  });
  const decide = (kind: 'raise' | 'continue-partial' | 'cancel') => {
    if (kind !== 'raise') {
      postAnswer(ctx, gate, { kind });
      return;
    }
    const v = parseBudget(input.value, null);
    if (typeof v !== 'number' || v <= gate.budgetUsd) {
      error.textContent = s.budgetRaiseInvalid;
      return;
    }
    postAnswer(ctx, gate, { kind: 'raise', budgetUsd: v });
  };
  return h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title' },
    h('h2', { id: 'gate-title' }, icon('credit-card'), ' ', s.budgetTitle),
    h('p', {}, format(s.budgetSummary, usd(gate.spentUsd), usd(gate.budgetUsd), usd(gate.reservedUsd))),
    h('p', {}, format(s.budgetNextCall, gate.label, stepName(s, gate.step), usd(gate.nextCallUsd))),
    h('div', { class: 'field' }, h('label', { for: id }, s.budgetNewAmount), input),
    error,
    gate.partialAllowed ? null : h('p', { class: 'hint' }, s.budgetPartialUnavailable),
    h(
      'div',
      { class: 'actions' },
      button(s.budgetRaise, () => decide('raise'), { icon: 'arrow-up' }),
      gate.partialAllowed ? button(s.budgetPartial, () => decide('continue-partial'), { variant: 'secondary', icon: 'debug-step-over' }) : null,
      button(s.cancelAnalysis, () => decide('cancel'), { variant: 'secondary', icon: 'close' }),
    ),
  );
}
