import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { renderGate, type Draft, type GateContext } from '../../media/src/gateForms';
import type * as z from 'zod';
import { Gate as GateSchema, type FromWebview, type Gate } from '../../src/shared/protocol';
import { buttonNamed, keyStrings, openPage, type Page } from './page';

interface Form {
  root: HTMLElement;
  posted: FromWebview[];
  draft: Draft;
  saves: number;
}

let page: Page;

/** A gate as the extension sends it: through its schema, which fills the defaults. */
function gateOf<K extends Gate['kind']>(input: Extract<z.input<typeof GateSchema>, { kind: K }>): Extract<Gate, { kind: K }> {
  return GateSchema.parse(input) as Extract<Gate, { kind: K }>;
}

function render(gate: Gate, draft: Draft = {}): Form {
  const form: Form = { root: undefined as unknown as HTMLElement, posted: [], draft, saves: 0 };
  const ctx: GateContext = {
    s: keyStrings({ remove: 'Remove {0}', sourceNeed: 'Need: {0}', estimatedCost: 'Estimated {0}', failuresSummary: '{0} of {1} failed ({2})' }),
    post: (m) => form.posted.push(m),
    draft,
    save: () => (form.saves += 1),
  };
  form.root = renderGate(gate, ctx);
  page.document.body.replaceChildren(form.root);
  return form;
}

function type(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new page.window.Event('input') as unknown as Event);
}

function toggle(el: HTMLInputElement): void {
  el.checked = !el.checked;
  el.dispatchEvent(new page.window.Event('change') as unknown as Event);
}

function checkboxLabelled(root: HTMLElement, name: string): HTMLInputElement {
  const label = [...root.querySelectorAll('label.check')].find((l) => l.textContent === name);
  assert.ok(label, `no checkbox "${name}"`);
  return label.querySelector('input')!;
}

describe('Panel gate forms', () => {
  beforeEach(() => {
    page = openPage();
  });

  describe('sources', () => {
    const doc = (path: string, title: string) => ({
      path,
      title,
      units: 3,
      passages: 12,
      tokens: 4000,
      selectedTokens: 4000,
      fits: 'all' as const,
      leftOut: [],
      notes: [],
      skipped: false,
    });
    const gate = gateOf({
      kind: 'sources',
      gateId: 4,
      need: 'low',
      rationale: 'Internal data suffices.',
      webSearchAvailable: true,
      language: 'en',
      contextFiles: ['/w/notes/plan.md', 'C:\\w\\budget.xlsx'],
      briefingFile: '/w/research_briefing.yaml',
      types: ['text', 'sheets'],
      documents: [doc('/w/notes/plan.md', 'Plan'), doc('C:\\w\\budget.xlsx', '')],
      budgetTokens: 80000,
      availableTokens: 8000,
      selectedTokens: 8000,
      reading: false,
    });

    it('lists the chosen documents by title or file name and removes one by its path', () => {
      const f = render(gate);
      const names = [...f.root.querySelectorAll('.file-name')].map((e) => e.textContent);
      assert.deepEqual(names, ['Plan', 'budget.xlsx', 'research_briefing.yaml']);
      buttonNamed(f.root, 'Remove budget.xlsx').click();
      buttonNamed(f.root, 'Remove research_briefing.yaml').click();
      assert.deepEqual(f.posted, [
        { type: 'remove-context-file', gateId: 4, path: 'C:\\w\\budget.xlsx' },
        { type: 'remove-briefing', gateId: 4 },
      ]);
    });

    it('proposes web search unless the need is low, and sends the choice', () => {
      const low = render(gate);
      assert.equal(checkboxLabelled(low.root, 'allowWebSearch').checked, false);
      buttonNamed(low.root, 'continue').click();
      const high = render({ ...gate, need: 'high' });
      assert.equal(checkboxLabelled(high.root, 'allowWebSearch').checked, true);
      toggle(checkboxLabelled(high.root, 'allowWebSearch'));
      assert.equal(high.draft.webSearch, false);
      buttonNamed(high.root, 'continue').click();
      assert.deepEqual([...low.posted, ...high.posted], [
        { type: 'answer', gate: 'sources', gateId: 4, answer: { kind: 'choose', webSearch: false } },
        { type: 'answer', gate: 'sources', gateId: 4, answer: { kind: 'choose', webSearch: false } },
      ]);
    });

    it('never sends web search when it is not available', () => {
      const f = render({ ...gate, need: 'high', webSearchAvailable: false }, { webSearch: true });
      assert.equal(checkboxLabelled(f.root, 'allowWebSearch').disabled, true);
      assert.ok(f.root.textContent?.includes('webSearchUnavailable'));
      buttonNamed(f.root, 'continue').click();
      assert.deepEqual(f.posted, [{ type: 'answer', gate: 'sources', gateId: 4, answer: { kind: 'choose', webSearch: false } }]);
    });

    it('shows why the previous choice could not be used, and starts from its web search choice', () => {
      const f = render(gateOf({ ...gate, need: 'high', problem: 'scan.pdf has no text.\nold.doc is in an older format.', previous: { contextFiles: gate.contextFiles, webSearch: false } }));
      const lines = [...f.root.querySelectorAll('.sources-problem p')].map((p) => p.textContent?.trim());
      assert.deepEqual(lines, ['scan.pdf has no text.', 'old.doc is in an older format.']);
      assert.equal(checkboxLabelled(f.root, 'allowWebSearch').checked, false);
    });

    it('asks for files and a briefing, and cancels', () => {
      const f = render(gate);
      buttonNamed(f.root, 'addContextDocuments').click();
      buttonNamed(f.root, 'addFolder').click();
      buttonNamed(f.root, 'addResearchBriefing').click();
      buttonNamed(f.root, 'cancelAnalysis').click();
      assert.deepEqual(f.posted.map((m) => m.type), ['pick-context-files', 'pick-context-folder', 'pick-briefing', 'cancel-run']);
    });
  });

  describe('clarify', () => {
    const gate = gateOf({
      kind: 'clarify',
      gateId: 7,
      questions: [
        { id: 'q1', question: 'Which market?' },
        { id: 'q2', question: 'Which horizon?' },
      ],
    });

    it('sends the typed answers, kept in the draft across a re-render', () => {
      const f = render(gate);
      type(f.root.querySelector('textarea')!, 'Germany');
      assert.equal(f.draft['q:q1'], 'Germany');
      assert.ok(f.saves > 0);
      const again = render(gate, f.draft);
      assert.equal(again.root.querySelector('textarea')!.value, 'Germany');
      buttonNamed(again.root, 'submitAnswers').click();
      buttonNamed(again.root, 'skip').click();
      assert.deepEqual(again.posted, [
        { type: 'answer', gate: 'clarify', gateId: 7, answer: { kind: 'answer', answers: { q1: 'Germany' } } },
        { type: 'answer', gate: 'clarify', gateId: 7, answer: { kind: 'skip' } },
      ]);
    });

    it('labels each answer with its question', () => {
      const f = render(gate);
      const labels = [...f.root.querySelectorAll('label')].map((l) => l.textContent);
      assert.deepEqual(labels, ['Which market?', 'Which horizon?']);
      const first = f.root.querySelector('label')!;
      assert.equal(first.getAttribute('for'), f.root.querySelector('textarea')!.id);
    });
  });

  describe('proposal', () => {
    const gate = gateOf({
      kind: 'proposal',
      gateId: 9,
      proposal: {
        synthesizer: 'market-entry',
        template: 'executive-brief',
        analysts: ['market', 'finance'],
        webSearch: true,
        model: 'claude-sonnet-5-5',
        estimatedCostUsd: 0.4567,
        rationale: 'A new country.',
      },
      availableSynthesizers: [
        { id: 'market-entry', name: 'Market entry', score: 0.82 },
        { id: 'strategic-decision', name: 'Strategic decision' },
      ],
      availableTemplates: [{ id: 'executive-brief', name: 'Executive brief' }],
      availableAnalysts: [
        { id: 'market', name: 'Market' },
        { id: 'finance', name: 'Finance' },
        { id: 'risk', name: 'Risk' },
      ],
      webSearchAvailable: true,
      language: 'en',
      languageSource: null,
    });

    it('shows the proposal: scores as percentages, the chosen analysts, the cost', () => {
      const f = render(gate);
      const options = [...f.root.querySelectorAll('select')[0].querySelectorAll('option')].map((o) => o.textContent);
      assert.deepEqual(options, ['Market entry (82%)', 'Strategic decision']);
      assert.equal(checkboxLabelled(f.root, 'Market').checked, true);
      assert.equal(checkboxLabelled(f.root, 'Risk').checked, false);
      assert.ok(f.root.querySelector('.cost')?.textContent?.includes('Estimated $0.457'));
    });

    it('approves while nothing changed; once changed, only the changes are sent', () => {
      const f = render(gate);
      const approve = buttonNamed(f.root, 'approve');
      const apply = buttonNamed(f.root, 'applyChanges');
      assert.equal(approve.disabled, false);
      assert.equal(apply.disabled, true);
      toggle(checkboxLabelled(f.root, 'Risk'));
      toggle(checkboxLabelled(f.root, 'Finance'));
      type(f.root.querySelector<HTMLInputElement>('input[type=text]')!, '  claude-opus-5-5 ');
      assert.equal(approve.disabled, true);
      assert.equal(apply.disabled, false);
      apply.click();
      assert.deepEqual(f.posted, [
        { type: 'answer', gate: 'proposal', gateId: 9, answer: { kind: 'modify', changes: { analysts: ['market', 'risk'], model: 'claude-opus-5-5' } } },
      ]);
    });

    it('refuses to send a proposal without analysts', () => {
      const f = render(gate);
      toggle(checkboxLabelled(f.root, 'Market'));
      toggle(checkboxLabelled(f.root, 'Finance'));
      buttonNamed(f.root, 'applyChanges').click();
      assert.deepEqual(f.posted, []);
      const error = f.root.querySelector<HTMLElement>('.error')!;
      assert.equal(error.hidden, false);
      assert.equal(error.textContent, 'selectOneAnalyst');
    });

    it('keeps an analyst of the proposal that the library no longer has', () => {
      const f = render(gateOf({ ...gate, proposal: { ...gate.proposal, analysts: ['market', 'legacy'] } }));
      assert.equal(checkboxLabelled(f.root, 'legacy').checked, true);
    });
  });

  describe('outline', () => {
    const gate = gateOf({
      kind: 'outline',
      gateId: 11,
      current: '# Plan\n- Market\n- Costs',
      revisions: [
        { n: 1, text: '# Plan\n- Market', author: 'model' },
        { n: 2, text: '# Plan\n- Market\n- Costs', author: 'model', feedback: 'Add costs' },
      ],
    });

    it('approves as proposed, or with the edited text', () => {
      const f = render(gate);
      buttonNamed(f.root, 'approveOutline').click();
      type(f.root.querySelector('textarea')!, '# Plan\n- Costs');
      buttonNamed(f.root, 'approveOutline').click();
      assert.deepEqual(f.posted, [
        { type: 'answer', gate: 'outline', gateId: 11, answer: { kind: 'approve' } },
        { type: 'answer', gate: 'outline', gateId: 11, answer: { kind: 'approve', editedText: '# Plan\n- Costs' } },
      ]);
    });

    it('asks for feedback before requesting changes', () => {
      const f = render(gate);
      buttonNamed(f.root, 'requestChanges').click();
      assert.deepEqual(f.posted, []);
      assert.equal(f.root.querySelector('.error')?.textContent, 'feedbackRequired');
      type(f.root.querySelectorAll('textarea')[1], '  More on risks  ');
      buttonNamed(f.root, 'requestChanges').click();
      assert.deepEqual(f.posted, [{ type: 'answer', gate: 'outline', gateId: 11, answer: { kind: 'request-changes', feedback: 'More on risks' } }]);
    });

    it('shows the revisions newest first, each with its changes from the one before', () => {
      const f = render(gate);
      const summaries = [...f.root.querySelectorAll('details > summary')].map((s) => s.textContent);
      assert.equal(summaries.length, 2);
      assert.match(summaries[0] ?? '', /^revision/);
      const added = [...f.root.querySelectorAll('.diff-add')].map((l) => l.textContent);
      assert.deepEqual(added, ['+ - Costs\n']);
    });
  });

  describe('failures', () => {
    it('says how many failed and sends the decision', () => {
      const f = render(gateOf({
        kind: 'failures',
        gateId: 13,
        failed: [{ id: 'risk', errors: ['timeout', 'invalid frontmatter'] }],
        succeeded: ['market', 'finance'],
        threshold: 1,
      }));
      assert.ok(f.root.textContent?.includes('1 of 3 failed (1)'));
      assert.ok(f.root.textContent?.includes('timeout · invalid frontmatter'));
      buttonNamed(f.root, 'retryFailed').click();
      buttonNamed(f.root, 'continuePartial').click();
      buttonNamed(f.root, 'abortAnalysis').click();
      assert.deepEqual(
        f.posted.map((m) => (m.type === 'answer' ? m.answer.kind : m.type)),
        ['retry-failed', 'continue-partial', 'abort'],
      );
    });
  });
});
