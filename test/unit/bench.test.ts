import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyMs, criticalPathMs, median, overlapGroups, ratio, stepAt, verdict } from '../../bench/metrics';
import { benchResponder, contextDocuments, CONTEXT_TOKENS, InstantReviewer, SIX_ANALYSTS } from '../../bench/setup';
import { validateAnalystOutput } from '../../src/core/checks';
import type { ProposalView } from '../../src/core/ports';

describe('benchmark metrics', () => {
  it('counts sequential calls in full and a parallel group as its slowest call', () => {
    const calls = [
      { start: 0, end: 100 },
      { start: 100, end: 150 },
      // Three in parallel, the slowest taking 300.
      { start: 200, end: 500 },
      { start: 210, end: 400 },
      { start: 450, end: 520 },
    ];
    assert.equal(overlapGroups(calls).length, 3);
    assert.equal(criticalPathMs(calls), 100 + 50 + 300);
    assert.equal(busyMs(calls), 100 + 50 + 320);
    assert.equal(criticalPathMs([]), 0);
  });

  it("counts a leader's head start for the calls that waited for its response to begin, and any later start as overhead", () => {
    // The leader's response begins at 400; two calls start then, one 1,000 ms later.
    const group = [
      { start: 0, end: 900, firstAt: 400 },
      { start: 400, end: 1200 },
      { start: 400, end: 1000 },
    ];
    assert.equal(criticalPathMs(group), 400 + 800);
    const late = [{ start: 0, end: 900, firstAt: 400 }, { start: 1400, end: 1500 }, { start: 400, end: 2200 }];
    // The call that started at 400 needed 400 + 1800; the union (2200) has no slack here.
    assert.equal(criticalPathMs(late), 2200);
    // A start 1,000 ms after the leader's first token is not needed: 400 + 1200 for that call,
    // the leader's 2000 on the path, against 2600 of wall time.
    const slack = [{ start: 0, end: 2000, firstAt: 400 }, { start: 1400, end: 2600 }];
    assert.equal(criticalPathMs(slack), 2000);
    assert.equal(busyMs(slack), 2600);
    // Calls that started before the leader's response began (no wait for it) count as before.
    assert.equal(criticalPathMs([{ start: 0, end: 500, firstAt: 300 }, { start: 10, end: 400 }]), 500);
    // Without a known first token, nothing is added.
    assert.equal(criticalPathMs([{ start: 0, end: 900 }, { start: 400, end: 1200 }]), 900);
  });

  it('computes medians, ratios and verdicts without inventing figures', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
    assert.equal(ratio(1, 0), null);
    assert.equal(ratio(null, 2), null);
    assert.equal(ratio(3, 2), 1.5);
    assert.equal(verdict(1.02, { op: '<=', limit: 1.03 }), 'met');
    assert.equal(verdict(1.04, { op: '<=', limit: 1.03 }), 'missed');
    assert.equal(verdict(4.9, { op: '>=', limit: 5 }), 'missed');
    assert.equal(verdict(null, { op: '>=', limit: 5 }), 'not measured');
  });

  it('attributes a moment to the step running then', () => {
    const windows = [
      { step: 'parse' as const, start: 0, end: 10 },
      { step: 'sources' as const, start: 12, end: 20 },
    ];
    assert.equal(stepAt(5, windows), 'parse');
    assert.equal(stepAt(15, windows), 'sources');
    assert.equal(stepAt(11, windows), null);
  });
});

describe('benchmark inputs', () => {
  it('gives about the announced context size', () => {
    const chars = [...contextDocuments().values()].reduce((n, t) => n + t.length, 0);
    assert.ok(Math.abs(chars / 4 - CONTEXT_TOKENS) < CONTEXT_TOKENS * 0.01, `${chars / 4} tokens`);
    // No level-2 headings: the demo answers read those from the prompt as outline points.
    for (const text of contextDocuments().values()) assert.doesNotMatch(text, /^## /m);
  });

  it('pads analyst answers to a realistic length and keeps them valid', async () => {
    const answer = await benchResponder({
      body: {},
      model: 'claude-sonnet-5-5',
      system: '',
      lastUserText: '<!-- task: analysts/analyst:market -->\nYou are the Market analyst. Your frontmatter must also include: market_size_estimates.',
      task: { step: 'analysts', label: 'analyst:market' },
      maxTokens: 6000,
      stream: true,
      index: 0,
      citables: [],
    });
    const text = typeof answer === 'string' ? answer : (answer.text ?? answer.blocks.map((b) => b.text).join(''));
    assert.ok(text.length > 3000, `${text.length} characters`);
    const valid = validateAnalystOutput(text, 'market', ['market_size_estimates'], 'end_turn');
    assert.ok(valid.body.length > 1000, `${valid.body.length} characters of body`);
  });

  it('has the reviewer ask for six analysts once, then approve', async () => {
    const view = (analysts: string[]) => ({ proposal: { analysts } }) as unknown as ProposalView;
    const reviewer = new InstantReviewer();
    assert.deepEqual(await reviewer.reviewProposal(view(['market'])), { kind: 'modify', changes: { analysts: SIX_ANALYSTS, webSearch: true } });
    assert.deepEqual(await reviewer.reviewProposal(view([...SIX_ANALYSTS])), { kind: 'approve' });
  });
});
