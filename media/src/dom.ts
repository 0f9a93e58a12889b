/**
 * Tiny DOM helpers for the panel. Text is always set with textContent: nothing from the model,
 * the web or a file is ever parsed as HTML.
 *
 * Owns: element creation. Must not: know about the protocol or the view state.
 */

type Attrs = Record<string, string | number | boolean | undefined | null>;
type Child = Node | string | null | undefined | false;

/** Creates an element; `attrs` become attributes (booleans toggle), children are nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A codicon glyph, hidden from assistive technology. */
export function icon(name: string, extra = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extra}`.trim(), 'aria-hidden': 'true' });
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * What names a control across a re-render, where its element is rebuilt: its aria-label, else
 * the text of its label, else its id, else its text. An empty attribute counts as missing (a
 * button without an id has `id === ''`), and generated ids change on every render, so a label
 * comes before the id.
 */
export function controlKey(el: Element): string {
  const labelled = (el as HTMLInputElement).labels?.[0]?.textContent?.trim();
  return el.getAttribute('aria-label') || labelled || el.id || el.textContent?.trim() || '';
}

/** Replaces the children of `container`, keeping keyboard focus on the control of the same key. */
export function replaceKeepingFocus(container: HTMLElement, children: Array<Node | string>): void {
  const focused = container.ownerDocument.activeElement;
  const key = focused && focused !== container && container.contains(focused) ? controlKey(focused) : undefined;
  container.replaceChildren(...children);
  if (!key) return;
  for (const el of container.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
    if (controlKey(el) === key) {
      el.focus();
      return;
    }
  }
}

/** Fills `{0}`, `{1}`, ... in a localized string. */
export function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

export function button(
  label: string,
  onClick: () => void,
  options: { variant?: 'primary' | 'secondary' | 'danger' | 'link'; icon?: string; ariaLabel?: string; disabled?: boolean } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: `btn btn-${options.variant ?? 'primary'}`,
      'aria-label': options.ariaLabel,
      disabled: options.disabled,
    },
    options.icon ? icon(options.icon) : null,
    h('span', {}, label),
  );
  b.addEventListener('click', onClick);
  return b;
}
