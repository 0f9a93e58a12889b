/**
 * The Reviewer port of the VS Code layer: gates reach the panel with an id, answers with another
 * id are ignored, and a cancelled run resolves the waiting gate with "cancel".
 */
import * as assert from 'node:assert/strict';
import type { Reviewer } from '../../src/core/ports';
import type { WorkflowState } from '../../src/core/state';
import { parseToWebview, type Gate, type ViewState } from '../../src/shared/protocol';
import { PanelReviewer } from '../../src/vscode/reviewer';
import { GATE_KINDS, GATE_REQUESTS, requestPart } from '../helpers/gateSamples';

const state = {} as Readonly<WorkflowState>;

function host() {
  const shown: Array<Gate | null> = [];
  return {
    shown,
    showGate: (gate: Gate | null) => shown.push(gate ? (JSON.parse(JSON.stringify(gate)) as Gate) : null),
    defaultFolder: () => undefined,
  };
}

const noPreview = async () => ({ documents: [], budgetTokens: 80_000, availableTokens: 0, selectedTokens: 0 });

async function tick(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
}

describe('Panel reviewer', () => {
  it('brings every field of every gate request to the panel as the core sent it', async () => {
    const h = host();
    const panel = new PanelReviewer(h);
    const reviewer: Required<Reviewer> = panel;
    const r = GATE_REQUESTS;
    const ask: Record<(typeof GATE_KINDS)[number], () => Promise<unknown>> = {
      sources: () => reviewer.chooseSources({ ...r.sources, preview: noPreview }, state),
      clarify: () => reviewer.answerClarifications(r.clarify.questions, state),
      proposal: () => reviewer.reviewProposal(r.proposal, state),
      outline: () => reviewer.reviewOutline(r.outline, state),
      failures: () => reviewer.decideOnFailures(r.failures, state),
      budget: () => reviewer.decideOnBudget(r.budget, state),
    };
    const empty: ViewState = { demo: false, webSearchAvailable: true, workspaceOpen: true, active: null, gate: null, runs: [], runsLoaded: true };
    for (const kind of GATE_KINDS) {
      const before = h.shown.length;
      const pending = ask[kind]();
      const shown = h.shown[before];
      const parsed = parseToWebview({ type: 'state', state: { ...empty, gate: shown } });
      assert.ok(parsed.ok && parsed.message.state.gate, `${kind}: ${parsed.ok ? 'no gate' : parsed.error}`);
      assert.equal(parsed.message.state.gate.kind, kind);
      assert.deepEqual(requestPart(kind, parsed.message.state.gate), r[kind], `${kind}: the panel received another request than the core sent`);
      panel.cancel();
      await pending;
    }
  });

  it('shows the source gate and returns the choice, never enabling unavailable web search', async () => {
    const h = host();
    const reviewer = new PanelReviewer(h);
    const answer = (reviewer as Reviewer).chooseSources({ need: 'high', rationale: 'r', webSearchAvailable: false, language: 'en', budgetTokens: 80_000, preview: noPreview }, state);
    const gate = h.shown[0];
    assert.equal(gate?.kind, 'sources');
    assert.equal(await reviewer.handle({ type: 'answer', gate: 'sources', gateId: gate!.gateId + 1000, answer: { kind: 'choose', webSearch: true } }), false);
    assert.equal(await reviewer.handle({ type: 'remove-briefing', gateId: gate!.gateId }), true);
    assert.equal(await reviewer.handle({ type: 'answer', gate: 'sources', gateId: gate!.gateId, answer: { kind: 'choose', webSearch: true } }), true);
    assert.deepEqual(await answer, { kind: 'choose', contextFiles: [], types: ['pdf', 'word', 'sheets', 'slides', 'text'], webSearch: false });
    assert.equal(h.shown[h.shown.length - 1], null);
    assert.equal(reviewer.gate, undefined);
  });

  it('maps clarification answers and treats all-empty answers as skip', async () => {
    const h = host();
    const reviewer = new PanelReviewer(h);
    const questions = [
      { id: 'q1', question: 'One?' },
      { id: 'q2', question: 'Two?' },
    ];
    let answer = (reviewer as Reviewer).answerClarifications(questions, state);
    let id = h.shown[h.shown.length - 1]!.gateId;
    await reviewer.handle({ type: 'answer', gate: 'clarify', gateId: id, answer: { kind: 'answer', answers: { q1: ' yes ', q2: '', zz: 'ignored' } } });
    assert.deepEqual(await answer, { kind: 'answer', answers: { q1: 'yes' } });

    answer = (reviewer as Reviewer).answerClarifications(questions, state);
    id = h.shown[h.shown.length - 1]!.gateId;
    await reviewer.handle({ type: 'answer', gate: 'clarify', gateId: id, answer: { kind: 'answer', answers: { q1: '  ' } } });
    assert.deepEqual(await answer, { kind: 'skip' });
  });

  it('asks the budget gate: a raise must go above the budget, partial only where the step allows it', async () => {
    const h = host();
    const reviewer = new PanelReviewer(h);
    const view = { step: 'integrate' as const, label: 'integration', spentUsd: 0.4, reservedUsd: 0, nextCallUsd: 0.2, budgetUsd: 0.5, partialAllowed: false };
    const answer = reviewer.decideOnBudget(view);
    const gate = h.shown[h.shown.length - 1]!;
    assert.equal(gate.kind, 'budget');
    assert.equal(await reviewer.handle({ type: 'answer', gate: 'budget', gateId: gate.gateId, answer: { kind: 'raise', budgetUsd: 0.5 } }), false);
    assert.equal(await reviewer.handle({ type: 'answer', gate: 'budget', gateId: gate.gateId, answer: { kind: 'continue-partial' } }), false);
    assert.equal(reviewer.gate?.kind, 'budget', 'the gate stays open');
    assert.equal(await reviewer.handle({ type: 'answer', gate: 'budget', gateId: gate.gateId, answer: { kind: 'raise', budgetUsd: 2 } }), true);
    assert.deepEqual(await answer, { kind: 'raise', budgetUsd: 2 });

    const second = reviewer.decideOnBudget({ ...view, step: 'analysts', partialAllowed: true });
    const id = h.shown[h.shown.length - 1]!.gateId;
    await reviewer.handle({ type: 'answer', gate: 'budget', gateId: id, answer: { kind: 'continue-partial' } });
    assert.deepEqual(await second, { kind: 'continue-partial' });
    const third = reviewer.decideOnBudget(view);
    reviewer.cancel();
    assert.deepEqual(await third, { kind: 'cancel' });
  });

  it('returns proposal changes and outline decisions', async () => {
    const h = host();
    const reviewer = new PanelReviewer(h);
    const proposal = {
      synthesizer: 's',
      template: 't',
      analysts: ['a', 'b'],
      webSearch: false,
      model: 'm',
      estimatedCostUsd: 0.1,
      rationale: '',
    };
    const decision = (reviewer as Reviewer).reviewProposal(
      { proposal, availableSynthesizers: [], availableTemplates: [], availableAnalysts: [], webSearchAvailable: false, language: 'fr', languageSource: 'detector' },
      state,
    );
    const shown = h.shown[h.shown.length - 1]!;
    assert.equal(shown.kind === 'proposal' && shown.language, 'fr', 'the proposal shows the language');
    assert.equal(shown.kind === 'proposal' && shown.languageSource, 'detector');
    const id = shown.gateId;
    await reviewer.handle({ type: 'answer', gate: 'proposal', gateId: id, answer: { kind: 'modify', changes: { analysts: ['a'], webSearch: true, language: 'it' } } });
    assert.deepEqual(await decision, { kind: 'modify', changes: { analysts: ['a'], language: 'it' } });

    const outline = (reviewer as Reviewer).reviewOutline({ current: '## A', revisions: [{ n: 1, text: '## A', author: 'model' }] }, state);
    const oid = h.shown[h.shown.length - 1]!.gateId;
    await reviewer.handle({ type: 'answer', gate: 'outline', gateId: oid, answer: { kind: 'approve', editedText: '## A' } });
    assert.deepEqual(await outline, { kind: 'approve' });

    const outline2 = (reviewer as Reviewer).reviewOutline({ current: '## A', revisions: [] }, state);
    const oid2 = h.shown[h.shown.length - 1]!.gateId;
    await reviewer.handle({ type: 'answer', gate: 'outline', gateId: oid2, answer: { kind: 'approve', editedText: '## B' } });
    assert.deepEqual(await outline2, { kind: 'approve', editedText: '## B' });
  });

  it('resolves a waiting gate with cancel when the run is aborted', async () => {
    const h = host();
    const abort = new AbortController();
    const reviewer = new PanelReviewer(h, abort.signal);
    const failures = (reviewer as Reviewer).decideOnFailures({ failed: [{ id: 'a', errors: ['x'] }], succeeded: [], threshold: 1 }, state);
    const proposalPending = failures.then(() => 'settled');
    await tick();
    abort.abort();
    assert.deepEqual(await failures, { kind: 'abort' });
    assert.equal(await proposalPending, 'settled');
    // After the abort every new gate answers "cancel" at once.
    const sources = await (reviewer as Reviewer).chooseSources({ need: 'low', rationale: '', webSearchAvailable: true, language: 'en', budgetTokens: 80_000, preview: noPreview }, state);
    assert.deepEqual(sources, { kind: 'cancel' });
  });
});
