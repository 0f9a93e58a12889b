/**
 * The human gates are defined once (src/shared/gates): the core's port types, the gates the
 * panel receives and the answers it sends are derived from the same schemas. These tests prove
 * it at compile time (the types are the same) and at run time (every field of every gate's
 * request crosses the protocol as the core sent it; every answer reaches the core as its
 * decision), with samples that set every field the schemas declare.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as ports from '../../src/core/ports';
import {
  GateRequestSchemas,
  cancelDecision,
  decide,
  openGate,
  type GateAnswer,
  type GateAnswerMessage,
  type GateDecisions,
  type GateKind,
  type GateOf,
  type GateRequests,
} from '../../src/shared/gates';
import { parseFromWebview, parseToWebview, type ViewState } from '../../src/shared/protocol';
import { GATE_KINDS, GATE_REQUESTS, missingPaths, requestPart, schemaPaths } from '../helpers/gateSamples';

// ---------------------------------------------------------------------------------------------
// Compile time: one type per concept on both sides

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Every field of a gate's request is a field of the panel's gate, with the same type. */
type RequestReachesPanel = { [K in GateKind]: Equal<Pick<GateOf<K>, Extract<keyof GateRequests[K], keyof GateOf<K>>>, GateRequests[K]> };
const requestReachesPanel: RequestReachesPanel = { sources: true, clarify: true, proposal: true, outline: true, failures: true, budget: true };

/** The panel answers with the core's decision (the sources gate: with the web search part of it). */
type AnswerIsDecision = { [K in Exclude<GateKind, 'sources'>]: Equal<GateAnswer<K>, GateDecisions[K]> };
const answerIsDecision: AnswerIsDecision = { clarify: true, proposal: true, outline: true, failures: true, budget: true };

/** The core's Reviewer port takes the shared requests and returns the shared decisions. */
type R = Required<ports.Reviewer>;
const portIsShared: [
  Equal<Omit<ports.SourceChoiceRequest, 'preview'>, GateRequests['sources']>,
  Equal<Parameters<R['answerClarifications']>[0], GateRequests['clarify']['questions']>,
  Equal<Parameters<R['reviewProposal']>[0], GateRequests['proposal']>,
  Equal<Parameters<R['reviewOutline']>[0], GateRequests['outline']>,
  Equal<Parameters<R['decideOnFailures']>[0], GateRequests['failures']>,
  Equal<Parameters<R['decideOnBudget']>[0], GateRequests['budget']>,
  Equal<Awaited<ReturnType<R['chooseSources']>>, GateDecisions['sources']>,
  Equal<Awaited<ReturnType<R['answerClarifications']>>, GateDecisions['clarify']>,
  Equal<Awaited<ReturnType<R['reviewProposal']>>, GateDecisions['proposal']>,
  Equal<Awaited<ReturnType<R['reviewOutline']>>, GateDecisions['outline']>,
  Equal<Awaited<ReturnType<R['decideOnFailures']>>, GateDecisions['failures']>,
  Equal<Awaited<ReturnType<R['decideOnBudget']>>, GateDecisions['budget']>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];

// ---------------------------------------------------------------------------------------------
// Run time

const emptyView: ViewState = { demo: false, webSearchAvailable: true, workspaceOpen: true, active: null, gate: null, runs: [], runsLoaded: true };

/** What the panel receives of `gate`: posted as JSON (as VS Code posts it) and validated by the panel. */
function received(gate: unknown): Record<string, unknown> {
  const wire = JSON.parse(JSON.stringify({ type: 'state', state: { ...emptyView, gate } })) as unknown;
  const parsed = parseToWebview(wire);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.ok(parsed.message.state.gate);
  return parsed.message.state.gate as Record<string, unknown>;
}

function answer<K extends GateKind>(gate: GateOf<K>, a: GateAnswer<K>): GateAnswerMessage {
  const parsed = parseFromWebview(JSON.parse(JSON.stringify({ type: 'answer', gate: gate.kind, gateId: gate.gateId, answer: a })));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(parsed.message.type, 'answer');
  return parsed.message as GateAnswerMessage;
}

describe('Gates defined once', () => {
  it('holds the type-level checks', () => {
    assert.ok(Object.values(requestReachesPanel).every(Boolean));
    assert.ok(Object.values(answerIsDecision).every(Boolean));
    assert.ok(portIsShared.every(Boolean));
  });

  it('has a sample request for every gate that sets every field of its schema', () => {
    assert.deepEqual(GATE_KINDS.sort(), Object.keys(GateRequestSchemas).sort());
    for (const kind of GATE_KINDS) {
      const schema = GateRequestSchemas[kind];
      assert.ok(schema.safeParse(GATE_REQUESTS[kind]).success, `${kind}: the sample is not a valid request`);
      assert.deepEqual(missingPaths(schema, GATE_REQUESTS[kind]), [], `${kind}: the sample leaves fields of the schema unset`);
    }
    // The walk sees nested and optional fields.
    assert.ok(schemaPaths(GateRequestSchemas.proposal).includes('proposal.estimate.fallbackReason'));
    assert.ok(schemaPaths(GateRequestSchemas.outline).includes('revisions[].feedback'));
    assert.ok(schemaPaths(GateRequestSchemas.sources).includes('previous.briefingFile'));
  });

  it('brings every field of every gate request to the panel as the core sent it', () => {
    for (const kind of GATE_KINDS) {
      const request = GATE_REQUESTS[kind];
      const gate = received(openGate(kind, 7, request));
      assert.equal(gate.kind, kind);
      assert.equal(gate.gateId, 7);
      assert.deepEqual(requestPart(kind, gate), request, `${kind}: the panel received another request than the core sent`);
    }
  });

  it('notices a gate that was copied by hand and lost a field', () => {
    const request = GATE_REQUESTS.sources;
    // What a field-by-field copy that forgot the reason looks like.
    const { problem: _lost, ...copied } = openGate('sources', 8, request);
    assert.notDeepEqual(requestPart('sources', received(copied)), request);
  });

  it('starts the sources form from the previous choice, with the reason it was asked again', () => {
    const gate = openGate('sources', 9, GATE_REQUESTS.sources);
    assert.deepEqual(gate.contextFiles, ['notes/plan.md']);
    assert.equal(gate.briefingFile, 'research_briefing.yaml');
    assert.equal(gate.problem, 'scan.pdf has no text to read.');
    assert.deepEqual(gate.types, ['pdf', 'word', 'sheets', 'slides', 'text']);
    assert.equal(gate.reading, false);
  });

  it('brings every answer to the core as its decision, and only to the gate it answers', () => {
    const g = <K extends GateKind>(kind: K) => openGate(kind, 20, GATE_REQUESTS[kind]);
    const sources = g('sources');
    assert.deepEqual(decide(sources, answer(sources, { kind: 'choose', webSearch: true })), {
      kind: 'choose',
      contextFiles: ['notes/plan.md'],
      briefingFile: 'research_briefing.yaml',
      types: ['pdf', 'word', 'sheets', 'slides', 'text'],
      webSearch: true,
    });
    const proposal = g('proposal');
    const changes = { synthesizer: 's', template: 't', analysts: ['a'], webSearch: false, model: 'm', language: 'de', overnight: false, budgetUsd: 1 };
    assert.deepEqual(decide(proposal, answer(proposal, { kind: 'modify', changes })), { kind: 'modify', changes });
    const outline = g('outline');
    assert.deepEqual(decide(outline, answer(outline, { kind: 'request-changes', feedback: 'More risks' })), { kind: 'request-changes', feedback: 'More risks' });
    const failures = g('failures');
    assert.deepEqual(decide(failures, answer(failures, { kind: 'continue-partial' })), { kind: 'continue-partial' });
    const budget = g('budget');
    assert.deepEqual(decide(budget, answer(budget, { kind: 'raise', budgetUsd: 3 })), { kind: 'raise', budgetUsd: 3 });
    const clarify = g('clarify');
    assert.deepEqual(decide(clarify, answer(clarify, { kind: 'answer', answers: { q1: 'Germany' } })), { kind: 'answer', answers: { q1: 'Germany' } });
    // An answer to another gate, or to another id, decides nothing.
    assert.equal(decide(clarify, answer(failures, { kind: 'abort' })), undefined);
    assert.equal(decide(clarify, { ...answer(clarify, { kind: 'skip' }), gateId: 21 }), undefined);
  });

  it('keeps each gate’s rules: what does not fit leaves the gate open', () => {
    const g = <K extends GateKind>(kind: K, request: GateRequests[K]) => openGate(kind, 30, request);
    const clarify = g('clarify', { questions: [{ id: 'q1', question: '?' }] });
    assert.deepEqual(decide(clarify, answer(clarify, { kind: 'answer', answers: { q1: ' yes ', zz: 'ignored' } })), { kind: 'answer', answers: { q1: 'yes' } });
    assert.deepEqual(decide(clarify, answer(clarify, { kind: 'answer', answers: { q1: '  ' } })), { kind: 'skip' });
    const proposal = g('proposal', { ...GATE_REQUESTS.proposal, webSearchAvailable: false, overnightAvailable: false });
    assert.deepEqual(decide(proposal, answer(proposal, { kind: 'modify', changes: { webSearch: true, overnight: true, model: 'x' } })), { kind: 'modify', changes: { model: 'x' } });
    const outline = g('outline', { current: '## A', revisions: [] });
    assert.deepEqual(decide(outline, answer(outline, { kind: 'approve', editedText: '## A' })), { kind: 'approve' });
    assert.deepEqual(decide(outline, answer(outline, { kind: 'approve', editedText: '## B' })), { kind: 'approve', editedText: '## B' });
    const failures = g('failures', { failed: [{ id: 'a', errors: [] }], succeeded: [], threshold: 1 });
    assert.equal(decide(failures, answer(failures, { kind: 'continue-partial' })), undefined);
    const budget = g('budget', { ...GATE_REQUESTS.budget, partialAllowed: false });
    assert.equal(decide(budget, answer(budget, { kind: 'raise', budgetUsd: 0.5 })), undefined);
    assert.equal(decide(budget, answer(budget, { kind: 'continue-partial' })), undefined);
    assert.deepEqual(decide(budget, answer(budget, { kind: 'cancel' })), { kind: 'cancel' });
    assert.deepEqual(
      GATE_KINDS.map((k) => cancelDecision(k).kind),
      GATE_KINDS.map((k) => (k === 'failures' ? 'abort' : 'cancel')),
    );
  });

  it('refuses answers that do not match their gate’s schema', () => {
    const bad: unknown[] = [
      { type: 'answer', gate: 'budget', gateId: 1, answer: { kind: 'raise' } },
      { type: 'answer', gate: 'budget', gateId: 1, answer: { kind: 'raise', budgetUsd: -1 } },
      { type: 'answer', gate: 'clarify', gateId: 1, answer: { kind: 'approve' } },
      { type: 'answer', gate: 'nope', gateId: 1, answer: { kind: 'approve' } },
      { type: 'answer', gate: 'outline', gateId: 1 },
    ];
    for (const m of bad) assert.equal(parseFromWebview(m).ok, false, `accepted ${JSON.stringify(m)}`);
  });
});
