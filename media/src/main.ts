/**
 * Webview entry point (bundled to dist/webview.js): the Analysis panel.
 *
 * Owns: the `ready` handshake, validation of incoming messages, the persisted webview state
 * (last view state, strings and form drafts, so the panel renders at once after being hidden),
 * and rendering the sections (banner, current run, gate, review queue). Each section is rebuilt
 * only when its own data changed, keeping focus and typed text in place.
 * Must not: hold workflow logic or render model text as HTML.
 */
import {
  parseToWebview,
  type FromWebview,
  type RunEntry,
  type ViewState,
  type WebviewStrings,
} from '../../src/shared/protocol';
import { button, format, h, icon, replaceKeepingFocus } from './dom';
import { analystStatusName, stepName, usd } from '../../src/shared/labels';
import { renderGate, type Draft } from './gateForms';
import { queueContent } from './queue';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface Persisted {
  strings?: WebviewStrings;
  view?: ViewState;
  drafts?: Record<string, Draft>;
}

const vscode = acquireVsCodeApi();
const persisted: Persisted = (vscode.getState() as Persisted | undefined) ?? {};
let strings: WebviewStrings | undefined = persisted.strings;
let view: ViewState | undefined = persisted.view;
const drafts: Record<string, Draft> = persisted.drafts ?? {};

function persist(): void {
  // Drafts of gates that are gone are dropped.
  const gateKey = view?.gate ? String(view.gate.gateId) : undefined;
  for (const key of Object.keys(drafts)) if (key !== gateKey) delete drafts[key];
  vscode.setState({ strings, view, drafts } satisfies Persisted);
}

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

// ---------------------------------------------------------------------------------------------
// Layout: one container per section, each re-rendered only when its data changes

const app = document.getElementById('app') ?? document.body;
const sections = {
  banner: h('div', { class: 'section-banner' }),
  active: h('div', { class: 'section-active' }),
  gate: h('div', { class: 'section-gate' }),
  queue: h('div', { class: 'section-queue' }),
};
const announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
app.replaceChildren(sections.banner, sections.active, sections.gate, sections.queue, announcer);

const rendered: Record<keyof typeof sections, string> = { banner: '', active: '', gate: '', queue: '' };

function update(section: keyof typeof sections, key: unknown, build: () => Array<Node | string>): void {
  const json = JSON.stringify(key);
  if (rendered[section] === json) return;
  rendered[section] = json;
  // Keep focus on the "same" control when a section is rebuilt.
  replaceKeepingFocus(sections[section], build());
}




// ---------------------------------------------------------------------------------------------

function renderBanner(s: WebviewStrings, v: ViewState): void {
  update('banner', { demo: v.demo, ws: v.workspaceOpen, s: s.demoBanner }, () => [
    v.demo ? h('div', { class: 'banner banner-info', role: 'note' }, icon('beaker'), h('span', {}, s.demoBanner)) : '',
    v.workspaceOpen ? '' : h('div', { class: 'banner banner-warning', role: 'note' }, icon('warning'), h('span', {}, s.noWorkspace)),
  ]);
}

function renderActive(s: WebviewStrings, v: ViewState): void {
  const a = v.active;
  update('active', { a, gate: v.gate?.kind ?? null, demo: v.demo }, () => {
    if (!a) {
      return [
        h(
          'div',
          { class: 'idle' },
          h('p', { class: 'muted' }, s.idleHint),
          h(
            'div',
            { class: 'actions' },
            button(s.startAnalysis, () => post({ type: 'command', command: 'start' }), { icon: 'play' }),
          ),
        ),
      ];
    }
    const awaiting = v.gate !== null;
    return [
      h(
        'section',
        { class: 'run', 'aria-labelledby': 'run-title' },
        h('h2', { id: 'run-title', class: 'run-title' }, a.title),
        h(
          'p',
          { class: 'run-step' },
          awaiting ? icon('bell-dot') : a.working ? icon('loading', 'codicon-modifier-spin') : icon('circle-outline'),
          ' ',
          h('span', {}, `${s.currentStep}: ${stepName(s, a.step)}`),
          awaiting ? h('span', { class: 'pill pill-awaiting' }, s.awaitingYou) : a.working ? h('span', { class: 'pill' }, s.working) : '',
        ),
        v.demo
          ? ''
          : h('p', { class: 'muted run-cost' }, a.budgetUsd !== null ? format(s.costOfBudget, usd(a.costUsd), usd(a.budgetUsd)) : `${s.cost}: ${usd(a.costUsd)}`),
        a.notices.map((n) => h('p', { class: 'notice', role: 'status' }, icon('warning'), ' ', h('span', {}, n))),
        a.analysts.length
          ? h(
              'ul',
              { class: 'analyst-list', 'aria-label': s.analysts },
              a.analysts.map((x) =>
                h(
                  'li',
                  {},
                  icon(x.status === 'done' ? 'pass' : x.status === 'failed' ? 'error' : 'loading', x.status === 'running' ? 'codicon-modifier-spin' : ''),
                  ' ',
                  h('span', {}, x.name),
                  ' ',
                  h(
                    'span',
                    { class: 'muted' },
                    analystStatusName(s, x.status),
                  ),
                ),
              ),
            )
          : '',
        awaiting
          ? ''
          : h(
              'div',
              { class: 'actions' },
              button(s.cancelAnalysis, () => post({ type: 'cancel-run' }), { variant: 'secondary', icon: 'close' }),
            ),
      ),
    ];
  });
}

let lastGateId: number | undefined;

function renderGateSection(s: WebviewStrings, v: ViewState): void {
  const gate = v.gate;
  update('gate', gate, () => {
    if (!gate) return [];
    const key = String(gate.gateId);
    drafts[key] ??= {};
    return [renderGate(gate, { s, post, draft: drafts[key], save: persist })];
  });
  // A new question moves keyboard focus to it, but only when the panel already has focus.
  if (gate && gate.gateId !== lastGateId && lastGateId !== undefined && document.hasFocus()) {
    const title = document.getElementById('gate-title');
    title?.setAttribute('tabindex', '-1');
    title?.focus();
  }
  lastGateId = gate?.gateId ?? lastGateId ?? -1;
}

/** The export buttons of a finished analysis: Word and slides, labelled for screen readers. */
function exportActions(s: WebviewStrings, r: RunEntry): HTMLElement {
  const action = (format: 'docx' | 'pptx', label: string, glyph: string) => {
    const b = button('', () => post({ type: 'export-run', id: r.id, format }), { variant: 'link', icon: glyph, ariaLabel: `${label}: ${r.title}` });
    b.title = label;
    b.classList.add('queue-action');
    return b;
  };
  return h('div', { class: 'queue-actions' }, action('docx', s.exportWord, 'file-text'), action('pptx', s.exportSlides, 'preview'));
}

function renderQueue(s: WebviewStrings, v: ViewState): void {
  update('queue', { runs: v.runs, loaded: v.runsLoaded, active: v.active?.id ?? null }, () =>
    queueContent(s, v, post, (r) => (r.status === 'done' ? exportActions(s, r) : null)),
  );
}

let lastAnnounced = '';
function render(): void {
  if (!strings || !view) return;
  renderBanner(strings, view);
  renderActive(strings, view);
  renderGateSection(strings, view);
  renderQueue(strings, view);
  const announcement = view.gate ? `${strings.awaitingYou}: ${view.active ? stepName(strings, view.active.step) : ''}` : '';
  if (announcement !== lastAnnounced) {
    lastAnnounced = announcement;
    announcer.textContent = announcement;
  }
  persist();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToWebview(event.data);
  if (!parsed.ok) {
    console.warn(`Strategic Analysis panel: ignored an invalid message (${parsed.error}).`);
    return;
  }
  const message = parsed.message;
  if (message.type === 'init') {
    strings = message.strings as WebviewStrings;
    for (const k of Object.keys(rendered) as Array<keyof typeof rendered>) rendered[k] = '';
  }
  view = message.state;
  render();
});

// Show what we had before being hidden, then ask the extension for the current state.
render();
post({ type: 'ready' });
