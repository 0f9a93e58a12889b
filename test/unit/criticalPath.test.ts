import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import type { LanguageModel, ModelCallOptions, ModelRequest, ModelResponse, SearchOptions, SearchResult, WebSearch } from '../../src/core/ports';
import { numberedOutline } from '../../src/core/sectionPlan';
import { DemoModel } from '../../src/providers/demo';
import { CountingModel, harness } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The demo model, each call taking `ms`, with when each call started and ended. */
class SlowModel implements LanguageModel {
  readonly demo = true;
  readonly spans: Array<{ label: string; start: number; end: number }> = [];
  private readonly inner = new DemoModel();
  constructor(private readonly ms: number) {}
  async complete(req: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    const span = { label: req.label, start: Date.now(), end: 0 };
    await sleep(this.ms);
    const res = await this.inner.complete(req, options);
    span.end = Date.now();
    this.spans.push(span);
    return res;
  }
}

describe('waits that carry no information are gone', () => {
  it('judges the need for sources while the problem is parsed, and the sources step uses that answer', async () => {
    const model = new SlowModel(60);
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    const parse = model.spans.find((x) => x.label === 'parse')!;
    const need = model.spans.filter((x) => x.label === 'source-need');
    assert.equal(need.length, 1, 'one source-need call');
    assert.ok(need[0].start < parse.end, 'it ran while the problem was parsed');
    assert.deepEqual(state.calls.filter((c) => c.key.startsWith('source-need')).map((c) => c.key), ['source-need:en']);
    assert.ok(state.sourceNeed);
  });

  it('does not take an answer written for another language: the sources step asks again in the decided one', async () => {
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.label === 'parse' ? { ...res, text: res.text.replace('"factual": true', '"factual": true, "language": "it"') } : res,
    );
    const h = harness({ model });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(state.language, 'it');
    assert.deepEqual(
      state.calls.filter((c) => c.key.startsWith('source-need')).map((c) => c.key),
      ['source-need:en', 'source-need:it'],
    );
  });

  it('runs the gap searches at the same time and registers their results in the order of the gaps', async () => {
    let running = 0;
    let most = 0;
    const search: WebSearch = {
      async search(query: string, _options?: SearchOptions): Promise<{ results: SearchResult[] }> {
        running++;
        most = Math.max(most, running);
        // The first query answers last.
        await sleep(query.startsWith('first') ? 80 : 10);
        running--;
        return { results: [{ url: `https://example.org/${encodeURIComponent(query)}`, title: query, highlights: ['h'] }] };
      },
    };
    const model = new CountingModel(new DemoModel(), (req, res) =>
      req.step === 'citations'
        ? {
            ...res,
            text: JSON.stringify({
              citations: [],
              gaps: [
                { point: 'P1', query: 'first query' },
                { point: 'P2', query: 'second query' },
                { point: 'P3', query: 'third query' },
              ],
            }),
          }
        : res,
    );
    const h = harness({ model, search });
    const { state } = await new Orchestrator({ ...h.deps, settings: { maxSearchesPerAnalysis: 3 } }).start(PROBLEM);
    assert.equal(state.status, 'done');
    assert.equal(most, 3, 'three searches under way at once');
    const web = state.sources.filter((x) => x.level === 'L2');
    assert.deepEqual(web.map((x) => x.title), ['first query', 'second query', 'third query']);
    const ids = web.map((x) => Number(x.id.slice(1)));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids in the order of the gaps');
    // The gaps were named by point id; the map holds the outline's text for them.
    const headings = [...state.outline.at(-1)!.text.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
    assert.deepEqual(state.citationMap.map((c) => c.point), headings.slice(0, 3));
  });
});

describe('the outline with point ids', () => {
  it('numbers headings and points, and gives back their text without markers', () => {
    const { text, points } = numberedOutline('# Title\n\n## Market\n- Grows 8% [S2] [Source: analyst-market]\n### Demand\n\n## Plan\n1. Pilot first\n');
    assert.equal(text, '# Title\n\n## [P1] Market\n- [P1.1] Grows 8% [S2] [Source: analyst-market]\n### [P1.2] Demand\n\n## [P2] Plan\n1. [P2.1] Pilot first\n');
    assert.deepEqual([...points], [
      ['P1', 'Market'],
      ['P1.1', 'Grows 8%'],
      ['P1.2', 'Demand'],
      ['P2', 'Plan'],
      ['P2.1', 'Pilot first'],
    ]);
  });
});
