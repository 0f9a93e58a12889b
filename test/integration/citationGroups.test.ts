import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentOutline } from '../../src/core/promptText';
import { Orchestrator } from '../../src/core/orchestrator';
import { numberedOutline } from '../../src/core/sectionPlan';
import { citationGroups } from '../../src/core/steps/citationParts';
import type { RecordedAnthropicRequest } from '../fakes/anthropicServer';
import type { StateStore } from '../../src/core/ports';
import { FileStateStore } from '../../src/core/stateStore';
import { harness, ScriptedReviewer, storeKilledAfter, tempDir } from '../helpers/core';
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

  async function run(overrides: { store?: StateStore; signal?: AbortSignal } = {}) {
    const library = await bundledLibrary();
    const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), ...(overrides.store ? { store: overrides.store } : {}) });
    h.workspace.files.set('notes.md', NOTES);
    return new Orchestrator(h.deps).start(PROBLEM, { signal: overrides.signal });
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

  it('resumes a run killed while mapping without paying again for the groups already mapped', async () => {
    fakes.anthropic.clearRequests();
    // Every group but the first answers slowly, so that the kill finds them under way.
    fakes.anthropic.setFaults((input) => (/^citations:part:([2-9]|\d\d)$/.test(input.task?.label ?? '') ? { kind: 'delay', ms: 3000 } : null));
    const dir = tempDir();
    const disk = new FileStateStore(dir);
    // A process killed once a save with one mapped group has landed: nothing it saves afterwards does.
    const { store, signal, killed } = storeKilledAfter(disk, 'citations:part:', 1);
    try {
      const first = await run({ store, signal });
      assert.equal(first.state.status, 'cancelled');
      assert.ok(killed());
      const saved = (await disk.load(first.state.id)).state;
      const groups = citationGroups(numberedOutline(currentOutline(saved)).text);
      const done = saved.calls.filter((c) => c.key.startsWith('citations:part:')).map((c) => c.key);
      assert.ok(done.length >= 1 && done.length < groups.length, `${done.length} of ${groups.length} groups on disk at the kill`);
      assert.equal(saved.step, 'citations');
      const before = fakes.anthropic.requests.length;
      const searchesBefore = fakes.exa.requests.length;
      fakes.anthropic.setFaults(undefined);

      const library = await bundledLibrary();
      const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), store: new FileStateStore(dir) });
      h.workspace.files.set('notes.md', NOTES);
      const resumed = await new Orchestrator(h.deps).resume(saved.id);
      assert.equal(resumed.error, undefined, resumed.error?.message);
      assert.equal(resumed.state.status, 'done');
      const again = groupRequests(fakes.anthropic.requests.slice(before)).map((r) => `citations:part:${groupOf(r)}`);
      for (const key of done) assert.ok(!again.includes(key), `${key} was mapped again`);
      assert.equal(again.length, groups.length - done.length, 'only the groups missing at the kill were mapped');
      const earlier = fakes.anthropic.requests.slice(before).filter((r) => r.task && ['parse', 'clarify', 'sources', 'propose', 'analysts', 'integrate', 'outline'].includes(r.task.step));
      assert.deepEqual(earlier, [], 'no earlier step paid again');
      // One map over every group's points, and the searches within the limit over both processes.
      assert.equal(resumed.state.calls.filter((c) => c.key.startsWith('citations:part:')).length, groups.length);
      const points = resumed.state.citationMap.map((c) => c.point);
      assert.equal(new Set(points).size, points.length);
      assert.ok(resumed.state.searches.length <= 3 && fakes.exa.requests.length - searchesBefore <= 3);
      assert.ok(resumed.state.finalDocument);
    } finally {
      fakes.anthropic.setFaults(undefined);
    }
  });
});
