/**
 * What every gate form is made of: the context a form gets (the strings, the draft, how to post),
 * and the small parts the forms share (action row, cancel button, check box, text area, error
 * line), and posting a gate's answer.
 *
 * Owns: these parts. Must not: know any one gate.
 */
import type { GateAnswer, GateKind, GateOf } from '../../src/shared/gates';
import type { FromWebview, WebviewStrings } from '../../src/shared/protocol';
import { button, h, uid } from './dom';

export type Draft = Record<string, string | boolean | string[] | undefined>;

export interface GateContext {
  s: WebviewStrings;
  post(message: FromWebview): void;
  /** The draft of this gate (mutable); call `save()` after changing it. */
  draft: Draft;
  save(): void;
}

/** Sends the person's answer to `gate` (its shape is the gate's decision, see src/shared/gates). */
export function postAnswer<K extends GateKind>(ctx: GateContext, gate: GateOf<K>, answer: GateAnswer<K>): void {
  ctx.post({ type: 'answer', gate: gate.kind, gateId: gate.gateId, answer } as FromWebview);
}

export function actions(...buttons: Array<HTMLElement | null>): HTMLElement {
  return h('div', { class: 'actions' }, buttons);
}

export function cancelButton(ctx: GateContext): HTMLButtonElement {
  return button(ctx.s.cancelAnalysis, () => ctx.post({ type: 'cancel-run' }), { variant: 'secondary', icon: 'close' });
}

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  options: { disabled?: boolean; describedBy?: string } = {},
): HTMLLabelElement {
  const input = h('input', {
    type: 'checkbox',
    checked,
    disabled: options.disabled,
    'aria-describedby': options.describedBy,
  });
  input.addEventListener('change', () => onChange(input.checked));
  return h('label', { class: `check${options.disabled ? ' disabled' : ''}` }, input, h('span', {}, label));
}

export function textArea(label: string, value: string, onInput: (v: string) => void, rows = 3, id = uid('ta')): HTMLElement {
  const area = h('textarea', { id, rows, spellcheck: 'true' });
  area.value = value;
  area.addEventListener('input', () => onInput(area.value));
  return h('div', { class: 'field' }, h('label', { for: id }, label), area);
}

export function errorLine(): HTMLElement {
  return h('p', { class: 'error', role: 'alert', hidden: true });
}

export function showError(el: HTMLElement, text: string): void {
  el.textContent = text;
  el.hidden = !text;
}
