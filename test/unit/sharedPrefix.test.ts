import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext } from '../../src/core/context';
import type { Passage } from '../../src/core/passages';
import { sharedPrefix } from '../../src/core/promptText';
import { createState } from '../../src/core/state';
import { harness } from '../helpers/core';

const passage = (n: number, text: string): Passage => ({ n, text, location: { kind: 'lines', path: 'notes.md', startLine: n, endLine: n }, tokens: 10 });

function context() {
  const h = harness();
  const state = createState({ id: 'run-prefix', problem: 'Should we open a second bakery in Munich?', now: new Date('2026-11-22T10:00:00Z'), demo: true });
  state.sources.push({ id: 'S1', level: 'L0', title: 'notes.md', documentRef: 'notes.md', passages: [passage(1, 'Rents rose by 8%.'), passage(2, 'Footfall is highest near the station.')] });
  state.contextDocuments.push({ id: 'd1', title: 'notes.md', path: 'notes.md', kind: 'file', text: '', truncated: false, sourceId: 'S1', format: 'markdown' });
  return new RunContext(state, h.deps, undefined);
}

describe('the shared prefix, made once per set of inputs', () => {
  it('is the same text for the same inputs, and follows every input that changes it', () => {
    const ctx = context();
    const s = ctx.state;
    const first = sharedPrefix(ctx);
    assert.match(first, /Rents rose by 8%\./);
    assert.equal(sharedPrefix(ctx), first);

    // A new selection of passages (a new array, as the sources step makes it).
    s.contextDocuments[0].selected = [2];
    s.contextDocuments[0].truncated = true;
    const selected = sharedPrefix(ctx);
    assert.doesNotMatch(selected, /Rents rose/);
    assert.match(selected, /Footfall is highest/);

    // An answered clarification.
    s.clarifications.push({ id: 'q1', question: 'Which district?', answer: 'Schwabing', options: [] } as never);
    assert.match(sharedPrefix(ctx), /Schwabing/);

    // A briefing's text, and a new document.
    s.contextDocuments.push({ id: 'd2', title: 'briefing', path: 'research_briefing.yaml', kind: 'briefing', text: 'The owner wants a café.', truncated: false });
    assert.match(sharedPrefix(ctx), /The owner wants a café\./);
    s.contextDocuments[1].text = 'The owner wants a bakery with seating.';
    assert.match(sharedPrefix(ctx), /bakery with seating/);

    // Each language and each way of sending the documents has its own text.
    assert.notEqual(sharedPrefix(ctx, 'Italian'), sharedPrefix(ctx));
    assert.doesNotMatch(sharedPrefix(ctx, undefined, { attached: true }), /Footfall is highest/);
    assert.match(sharedPrefix(ctx), /Footfall is highest/);
  });
});
