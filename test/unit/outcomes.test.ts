/**
 * The person is told why, and keeps what they chose: a rejected context document comes back
 * with its reason and the rest of the choice, every failed web search is recorded as a notice
 * of the outcome, and the outline gate shows analyst names instead of internal markers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internalMarkers, readableMarkers } from '../../src/core/markers';
import { Orchestrator } from '../../src/core/orchestrator';
import type { OutlineView, SourceChoiceRequest, WebSearch } from '../../src/core/ports';
import { harness, MemoryWorkspace, ScriptedReviewer } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

describe('a context document that cannot be used', () => {
  it('is named with the reason when the gate is asked again, and the other choices are kept', async () => {
    const workspace = new MemoryWorkspace();
    workspace.files.set('/ws/notes.md', '# Notes\n\nDemand grew by 4% last year.\n');
    workspace.files.set('/ws/briefing.yaml', 'title: [unclosed\n');
    const reviewer = new ScriptedReviewer({
      sources: [
        { kind: 'choose', contextFiles: ['/ws/notes.md', '/ws/missing.pdf'], briefingFile: '/ws/briefing.yaml', webSearch: false },
        { kind: 'cancel' },
      ],
    });
    const h = harness({ workspace, reviewer });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'cancelled');
    const asks = reviewer.seen.filter((s) => s.gate === 'sources').map((s) => s.payload as SourceChoiceRequest);
    assert.equal(asks.length, 2);
    const again = asks[1];
    assert.match(again.problem ?? '', /missing\.pdf/);
    assert.match(again.problem ?? '', /briefing\.yaml.*line \d+/s);
    assert.deepEqual(again.previous, { contextFiles: ['/ws/notes.md'], webSearch: false });
  });
});

describe('every web search failing', () => {
  it('is a notice of the outcome, not a silent run without web sources', async () => {
    const failing: WebSearch = {
      search: async () => {
        throw new Error('Exa answered 500 (internal error).');
      },
    };
    const h = harness({ search: failing });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(state.notices.length, 1);
    assert.equal(state.notices[0].kind, 'web-search-failed');
    assert.match(state.notices[0].detail, /500/);
    assert.equal((await h.store.list())[0].notices?.[0]?.kind, 'web-search-failed');
  });

  it('is not a notice when the searches worked', async () => {
    const h = harness();
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.deepEqual(state.notices, []);
  });
});

describe('provenance markers at the outline gate', () => {
  const names = [
    { id: 'market', name: 'Market Analyst' },
    { id: 'financial', name: 'Financial Analyst' },
  ];

  it('show as analyst names and come back as markers', () => {
    const internal = '## Demand\n- Growth slows [Source: analyst-market][Source: analyst-financial]\n- Costs [Fonte: analyst-market] [S2]';
    const shown = readableMarkers(internal, names);
    assert.ok(!/analyst-/.test(shown), shown);
    assert.match(shown, /\[Market Analyst\]\[Financial Analyst\]/);
    assert.match(shown, /\[S2\]/);
    assert.equal(internalMarkers(shown, names), internal.replace('[Fonte: analyst-market]', '[Source: analyst-market]'));
  });

  it('are never shown to the person, and an edited outline keeps them', async () => {
    const views: OutlineView[] = [];
    const reviewer = new ScriptedReviewer({
      outline: [
        (state) => {
          const text = state.outline[state.outline.length - 1].text;
          // What the person sees (the fixture library's analyst names), edited.
          const shown = readableMarkers(text, [{ id: 'market', name: 'Market analyst' }]);
          return { kind: 'approve', editedText: `${shown}\n- Added by me [Market analyst]` };
        },
      ],
    });
    const h = harness({ reviewer });
    h.model.rewrite = (req, res) => (req.step === 'outline' ? { ...res, text: `${res.text}\n- Demand shifts [Source: analyst-market]\n` } : res);
    const original = reviewer.reviewOutline.bind(reviewer);
    reviewer.reviewOutline = (view: OutlineView, state) => {
      views.push(view);
      return original(view, state);
    };
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.ok(views.length > 0);
    for (const v of views) {
      assert.ok(!v.current.includes('[Source:'), v.current);
      assert.match(v.current, /\[Market analyst\]/);
    }
    const approved = state.outline[state.outline.length - 1];
    assert.equal(approved.author, 'person');
    assert.match(approved.text, /Demand shifts \[Source: analyst-market\]/);
    assert.match(approved.text, /Added by me \[Source: analyst-market\]/);
  });
});
