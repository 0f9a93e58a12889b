import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentOutline } from '../../src/core/promptText';
import { Orchestrator } from '../../src/core/orchestrator';
import { numberedOutline } from '../../src/core/sectionPlan';
import { citationGroups } from '../../src/core/steps/citationParts';
import type { RecordedAnthropicRequest } from '../fakes/anthropicServer';
import { harness, ScriptedReviewer } from '../helpers/core';
import { bundledLibrary, demoResponder, startFakes } from '../helpers/fakeRun';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
/** The person picks the full report (eight sections) and allows web search. */
const reviewer = () =>
  new ScriptedReviewer({
    sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: true }],
    proposal: [{ kind: 'modify', changes: { template: 'full-report' } }, { kind: 'approve' }],
  });
const NOTES = '# Notes\n\nOur distributor in Munich reports demand growth for industrial sensors.\n'.repeat(40);

const groupRequests = (requests: RecordedAnthropicRequest[]) => requests.filter((r) => r.task?.step === 'citations');
const groupOf = (r: RecordedAnthropicRequest) => Number(/^citations:part:(\d+)$/.exec(r.task!.label)?.[1]);

describe('the citation map made by groups of sections, through the real SDK against the fake API', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes({ anthropic: { latency: { ttftMs: 30, tokensPerSecond: 4000, seed: 5 }, minCacheableTokens: 256 } });
  });
  after(() => fakes.close());

  async function run() {
    const library = await bundledLibrary();
    const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer() });
    h.workspace.files.set('notes.md', NOTES);
    return new Orchestrator(h.deps).start(PROBLEM);
  }

  it('maps the groups at the same time, the largest first, into one map with at most three searches', async () => {
    fakes.anthropic.clearRequests();
    const searchesBefore = fakes.exa.requests.length;
    const outcome = await run();
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const s = outcome.state;
    const groups = citationGroups(numberedOutline(currentOutline(s)).text);
    assert.ok(groups.length >= 2);
    const requests = groupRequests(fakes.anthropic.requests);
    assert.deepEqual(requests.map(groupOf).sort(), groups.map((g) => g.n).sort());
    // Each group is shown its own sections only.
    for (const r of requests) {
      const own = groups.find((g) => g.n === groupOf(r))!;
      assert.ok(JSON.stringify(r.body).includes(JSON.stringify(own.text).slice(1, -1)), `group ${own.n} got its sections`);
    }
    // The largest group leads; the others start when its response begins and read the shared
    // block (the outline and the registry) from the cache.
    const lead = requests.find((r) => groupOf(r) === [...groups].sort((a, b) => b.points - a.points)[0].n)!;
    assert.equal(Math.min(...requests.map((r) => r.receivedAt)), lead.receivedAt);
    assert.ok(lead.cache!.writeTokens > 0);
    for (const r of requests.filter((x) => x !== lead)) {
      assert.ok(r.receivedAt >= lead.firstTokenAt!, `group ${groupOf(r)} waited for the lead`);
      assert.ok(r.cache!.readTokens > lead.cache!.readTokens, `group ${groupOf(r)} read the shared block`);
    }
    // One map: the groups' points together, each once; the searches within the limit.
    assert.ok(s.citationMap.length >= 2);
    const points = s.citationMap.map((c) => c.point);
    assert.equal(new Set(points).size, points.length);
    assert.ok(s.searches.length >= 1 && s.searches.length <= 3, `${s.searches.length} searches`);
    assert.ok(fakes.exa.requests.length - searchesBefore <= 3);
    assert.ok(s.finalDocument);
  });

  it('asks a group whose answer cannot be used again, alone, with the reason', async () => {
    fakes.anthropic.clearRequests();
    let first = true;
    fakes.anthropic.setResponder(async (input) => {
      if (input.task?.label === 'citations:part:2' && first) {
        first = false;
        return 'The map is below, as prose rather than JSON.';
      }
      return demoResponder(input);
    });
    try {
      const outcome = await run();
      assert.equal(outcome.error, undefined, outcome.error?.message);
      const counts = groupRequests(fakes.anthropic.requests).map(groupOf).sort();
      const n = Math.max(...counts);
      assert.deepEqual(counts, [...Array.from({ length: n }, (_, i) => i + 1), 2].sort());
      const retry = groupRequests(fakes.anthropic.requests).filter((r) => groupOf(r) === 2)[1];
      assert.match(JSON.stringify(retry.body), /Your answer could not be used/);
      assert.ok(outcome.state.history.some((e) => e.event === 'retry' && /^group 2: /.test(e.detail)));
    } finally {
      fakes.anthropic.setResponder(demoResponder);
    }
  });
});
