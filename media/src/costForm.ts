/**
 * The money parts of the panel's forms: the estimate shown with the proposal (a range, its main
 * parts, how it was made), the proposal's overnight choice and budget for the run, and the form
 * of the budget gate.
 *
 * Owns: building these elements and their protocol messages. Must not: compute costs (the core
 * does) or decide whether a budget is acceptable beyond showing the person what the extension
 * will refuse.
 */
import type { ProposalGate, WebviewStrings } from '../../src/vscode/protocol';
import { format, h, icon, uid } from './dom';

export function usd(value: number): string {
  return `$${value < 1 ? value.toFixed(3) : value.toFixed(2)}`;
}

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
  const input = h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false', 'aria-describedby': gate.budgetLimitUsd !== null ? hint : undefined });
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
      gate.budgetLimitUsd !== null ? h('p', { id: hint, class: 'hint' }, format(s.budgetHint, usd(gate.budgetLimitUsd))) : null,
    ),
  );
  return out;
}
