/**
 * The panel protocol (both directions), the line diff shared with the webview, and the panel's
 * string table. Runs inside the extension host (mocha BDD).
 */
import * as assert from 'node:assert/strict';
import { diffLines } from '../../src/shared/lineDiff';
import { parseFromWebview, parseToWebview, STRING_KEYS, type ViewState } from '../../src/shared/protocol';
import { webviewStrings } from '../../src/vscode/webviewStrings';

const emptyView: ViewState = {
  demo: true,
  webSearchAvailable: false,
  workspaceOpen: true,
  active: null,
  gate: null,
  runs: [],
  runsLoaded: true,
};

describe('Panel protocol', () => {
  it('accepts every well-formed message from the webview', () => {
    const messages: unknown[] = [
      { type: 'ready' },
      { type: 'pick-context-files', gateId: 1 },
      { type: 'pick-context-folder', gateId: 1 },
      { type: 'set-document-types', gateId: 1, types: ['pdf', 'word'] },
      { type: 'pick-briefing', gateId: 1 },
      { type: 'remove-context-file', gateId: 1, path: '/tmp/a.md' },
      { type: 'remove-briefing', gateId: 1 },
      { type: 'answer', gate: 'sources', gateId: 1, answer: { kind: 'choose', webSearch: true } },
      { type: 'answer', gate: 'clarify', gateId: 2, answer: { kind: 'answer', answers: { q1: 'yes' } } },
      { type: 'answer', gate: 'clarify', gateId: 2, answer: { kind: 'skip' } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'approve' } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { analysts: ['market'], model: 'claude-haiku-4-5' } } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { language: 'pt-BR' } } },
      { type: 'answer', gate: 'outline', gateId: 4, answer: { kind: 'approve' } },
      { type: 'answer', gate: 'outline', gateId: 4, answer: { kind: 'approve', editedText: '## A' } },
      { type: 'answer', gate: 'outline', gateId: 4, answer: { kind: 'request-changes', feedback: 'More risks' } },
      { type: 'answer', gate: 'failures', gateId: 5, answer: { kind: 'continue-partial' } },
      { type: 'cancel-run' },
      { type: 'open-run', id: '20261122-000000-x' },
      { type: 'command', command: 'start' },
    ];
    for (const m of messages) {
      const parsed = parseFromWebview(m);
      assert.ok(parsed.ok, `rejected ${JSON.stringify(m)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  it('rejects malformed messages from the webview with a reason', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'unknown' },
      { type: 'answer', gate: 'sources', gateId: 1, answer: { kind: 'choose' } },
      { type: 'answer', gate: 'sources', gateId: -1, answer: { kind: 'choose', webSearch: true } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { analysts: [] } } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { model: '   ' } } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { language: 'French' } } },
      { type: 'answer', gate: 'proposal', gateId: 3, answer: { kind: 'modify', changes: { language: '<img src=x>' } } },
      { type: 'answer', gate: 'outline', gateId: 4, answer: { kind: 'request-changes', feedback: '  ' } },
      { type: 'answer', gate: 'failures', gateId: 5, answer: { kind: 'explode' } },
      { type: 'command', command: 'rm -rf' },
      { type: 'open-run', id: '' },
    ];
    for (const m of bad) {
      const parsed = parseFromWebview(m);
      assert.equal(parsed.ok, false, `accepted ${JSON.stringify(m)}`);
      if (!parsed.ok) assert.ok(parsed.error.length > 0);
    }
  });

  it('validates messages to the webview, including every gate kind', () => {
    const strings = webviewStrings();
    assert.ok(parseToWebview({ type: 'init', strings, state: emptyView }).ok);
    const gates = [
      {
        kind: 'sources',
        gateId: 1,
        need: 'high',
        rationale: 'r',
        webSearchAvailable: false,
        language: 'en',
        contextFiles: ['report.pdf'],
        types: ['pdf'],
        documents: [
          { path: 'report.pdf', title: 'report.pdf', format: 'pdf', units: 3, passages: 3, tokens: 900, selectedTokens: 300, fits: 'part', leftOut: ['p. 2', 'p. 3'], notes: [], skipped: false },
          { path: 'loop', title: 'loop', units: 0, passages: 0, tokens: 0, selectedTokens: 0, fits: 'none', leftOut: [], notes: [], skipped: true, problem: 'loop is skipped' },
        ],
        budgetTokens: 400,
        availableTokens: 900,
        selectedTokens: 300,
        reading: false,
      },
      { kind: 'clarify', gateId: 2, questions: [{ id: 'q1', question: 'Why?' }] },
      {
        kind: 'proposal',
        gateId: 3,
        proposal: {
          synthesizer: 's',
          template: 't',
          analysts: ['a'],
          webSearch: false,
          model: 'm',
          estimatedCostUsd: 0.2,
          rationale: '',
        },
        availableSynthesizers: [{ id: 's', name: 'S', score: 0.8 }],
        availableTemplates: [{ id: 't', name: 'T' }],
        availableAnalysts: [{ id: 'a', name: 'A' }],
        webSearchAvailable: true,
        language: 'en',
        languageSource: null,
      },
      { kind: 'outline', gateId: 4, current: '## A', revisions: [{ n: 1, text: '## A', author: 'model' }] },
      { kind: 'failures', gateId: 5, failed: [{ id: 'a', errors: ['x'] }], succeeded: ['b'], threshold: 1 },
    ];
    for (const gate of gates) {
      const parsed = parseToWebview({ type: 'state', state: { ...emptyView, gate } });
      assert.ok(parsed.ok, `rejected gate ${gate.kind}: ${parsed.ok ? '' : parsed.error}`);
    }
    assert.equal(parseToWebview({ type: 'state', state: { ...emptyView, gate: { kind: 'nope', gateId: 1 } } }).ok, false);
    assert.equal(parseToWebview({ type: 'state' }).ok, false);
  });

  it('has a non-empty localized string for every panel string key', () => {
    const strings = webviewStrings() as Record<string, string>;
    for (const key of STRING_KEYS) assert.ok(strings[key]?.trim(), `missing panel string ${key}`);
    assert.deepEqual(Object.keys(strings).sort(), [...STRING_KEYS].sort());
  });
});

describe('Line diff', () => {
  it('marks kept, deleted and added lines in order', () => {
    const d = diffLines('a\nb\nc\n', 'a\nc\nd\n');
    assert.deepEqual(d, [
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'same', text: 'c' },
      { op: 'add', text: 'd' },
    ]);
  });

  it('handles empty texts and identical texts', () => {
    assert.deepEqual(diffLines('', ''), []);
    assert.deepEqual(diffLines('', 'x'), [{ op: 'add', text: 'x' }]);
    assert.deepEqual(diffLines('x', ''), [{ op: 'del', text: 'x' }]);
    assert.ok(diffLines('a\r\nb', 'a\nb').every((l) => l.op === 'same'));
  });

  it('rebuilds both texts from its output', () => {
    const before = ['## Intro', '- one', '- two', '## Risks', '- three', '## End'].join('\n');
    const after = ['## Intro', '- one', '- 2', '## Options', '## Risks', '- three', '- four'].join('\n');
    const d = diffLines(before, after);
    assert.equal(d.filter((l) => l.op !== 'add').map((l) => l.text).join('\n'), before);
    assert.equal(d.filter((l) => l.op !== 'del').map((l) => l.text).join('\n'), after);
    assert.equal(d.filter((l) => l.op === 'same').length, 4);
  });
});
