import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ViewState as ViewStateSchema, type FromWebview, type ViewState } from '../../src/shared/protocol';
import { buttonNamed, keyStrings, openPage, type Page } from './page';

/** The panel's entry module runs on import: a page, a stand-in VS Code API, then the import. */
let page: Page;
const posted: FromWebview[] = [];
let saved: unknown;

function send(data: unknown): void {
  page.window.dispatchEvent(new page.window.MessageEvent('message', { data }));
}

/** A view state as the extension sends it: through its schema, which fills the defaults. */
const idle: ViewState = ViewStateSchema.parse({
  demo: false,
  webSearchAvailable: true,
  workspaceOpen: true,
  active: null,
  gate: null,
  runs: [
    { id: 'run-b', title: 'Enter Germany?', status: 'done', step: 'done', awaiting: null, updatedAt: '2026-11-22T10:00:00Z', costUsd: 0.42 },
    { id: 'run-a', title: 'Hire?', status: 'cancelled', step: 'analysts', awaiting: null, updatedAt: '2026-11-21T10:00:00Z', costUsd: 0 },
  ],
  runsLoaded: true,
});

describe('Panel', () => {
  before(async () => {
    page = openPage();
    (globalThis as unknown as Record<string, unknown>).acquireVsCodeApi = () => ({
      postMessage: (m: FromWebview) => posted.push(m),
      getState: () => undefined,
      setState: (s: unknown) => (saved = s),
    });
    await import('../../media/src/main');
  });

  it('asks for the state once loaded', () => {
    assert.deepEqual(posted, [{ type: 'ready' }]);
  });

  it('renders the analyses and opens or exports one', () => {
    send({ type: 'init', strings: keyStrings(), state: idle });
    const app = page.document.getElementById('app')!;
    const entries = [...app.querySelectorAll('.queue-entry')];
    assert.equal(entries.length, 2);
    assert.ok(entries[0].textContent?.includes('statusDone · stepDone'));
    assert.ok(entries[0].textContent?.includes('$0.420'));
    assert.equal(entries[1].querySelector('.queue-actions'), null, 'a cancelled run has no export');
    posted.length = 0;
    buttonNamed(app, 'Enter Germany?').click();
    buttonNamed(app, 'exportWord: Enter Germany?').click();
    assert.deepEqual(posted, [
      { type: 'open-run', id: 'run-b' },
      { type: 'export-run', id: 'run-b', format: 'docx' },
    ]);
    assert.equal((saved as { view?: ViewState }).view?.runs.length, 2, 'the view is kept for a reload');
  });

  it('ignores a message that is not valid', () => {
    const app = page.document.getElementById('app')!;
    const before = app.innerHTML;
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      send({ type: 'state', state: { ...idle, runs: [{ id: 1 }] } });
    } finally {
      console.warn = warn;
    }
    assert.equal(app.innerHTML, before);
    assert.equal(warnings.length, 1);
  });

  it('keeps focus on the focused button when its section is rebuilt', () => {
    const app = page.document.getElementById('app')!;
    buttonNamed(app, 'Hire?').focus();
    send({ type: 'state', state: { ...idle, runs: [...idle.runs, { ...idle.runs[1], id: 'run-c', title: 'Merge?' }] } });
    assert.equal(app.querySelectorAll('.queue-entry').length, 3);
    assert.equal(page.document.activeElement?.getAttribute('aria-label'), 'Hire?');
  });

  it('shows a running analysis with its analysts, and the gate it waits at', () => {
    send({
      type: 'state',
      state: {
        ...idle,
        active: {
          id: 'run-d',
          title: 'Open a plant?',
          step: 'analysts',
          status: 'running',
          costUsd: 1.5,
          working: true,
          analysts: [
            { id: 'market', name: 'Market', status: 'done' },
            { id: 'risk', name: 'Risk', status: 'failed' },
          ],
        },
        gate: { kind: 'failures', gateId: 3, failed: [{ id: 'risk', errors: ['timeout'] }], succeeded: ['market'], threshold: 1 },
      },
    });
    const app = page.document.getElementById('app')!;
    assert.equal(app.querySelector('.run-title')?.textContent, 'Open a plant?');
    assert.deepEqual([...app.querySelectorAll('.analyst-list li')].map((li) => li.textContent?.trim()), ['Market analystDone', 'Risk analystFailed']);
    assert.ok(app.querySelector('.pill-awaiting'), 'awaiting the person');
    assert.equal(app.querySelector('.section-gate h2')?.textContent, 'failuresTitle');
    assert.equal(page.document.querySelector('[role=status]')?.textContent, 'awaitingYou: stepAnalysts');
  });
});
