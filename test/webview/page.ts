/**
 * A browser page for the panel's code, outside VS Code: a happy-dom window whose document and
 * window become the globals the webview modules use, and the string table of the panel with
 * each key as its own text (so a test finds a control by the key of its label).
 */
import { Window } from 'happy-dom';
import { STRING_KEYS, type WebviewStrings } from '../../src/shared/protocol';

export interface Page {
  window: Window;
  document: Document;
}

/** Installs a fresh page as `globalThis.window` / `globalThis.document`. */
export function openPage(html = '<!doctype html><html><body><div id="app"></div></body></html>'): Page {
  const window = new Window({ url: 'https://panel.test/' });
  window.document.write(html);
  const g = globalThis as unknown as Record<string, unknown>;
  g.window = window;
  g.document = window.document;
  return { window, document: window.document as unknown as Document };
}

/** Every panel string, its text being its key, with `overrides` (for strings with `{0}`). */
export function keyStrings(overrides: Partial<WebviewStrings> = {}): WebviewStrings {
  return { ...(Object.fromEntries(STRING_KEYS.map((k) => [k, k])) as WebviewStrings), ...overrides };
}

/** The buttons of `root` whose aria-label or text is `name`. */
export function buttonsNamed(root: ParentNode, name: string): HTMLButtonElement[] {
  return [...root.querySelectorAll('button')].filter(
    (b) => b.getAttribute('aria-label') === name || (b.textContent ?? '').trim() === name,
  );
}

export function buttonNamed(root: ParentNode, name: string): HTMLButtonElement {
  const found = buttonsNamed(root, name);
  if (found.length !== 1) throw new Error(`expected one button "${name}", found ${found.length}`);
  return found[0];
}
