import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planIntegration, type IntegrationPlan } from '../../src/core/integrationPlan';
import type { PromptLibrary } from '../../src/core/library';
import { Orchestrator } from '../../src/core/orchestrator';
import type { StateStore } from '../../src/core/ports';
import type { WorkflowState } from '../../src/core/state';
import { FileStateStore } from '../../src/core/stateStore';
import type { AnthropicResponder, RecordedAnthropicRequest } from '../fakes/anthropicServer';
import { harness, ScriptedReviewer, storeKilledAfter, tempDir } from '../helpers/core';
import { bundledLibrary, demoResponder, startFakes } from '../helpers/fakeRun';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
const reviewer = () => new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: true }] });
const NOTES = '# Notes\n\nOur distributor in Munich reports demand growth for industrial sensors.\n'.repeat(40);

const partRequests = (requests: RecordedAnthropicRequest[]) => requests.filter((r) => r.task?.step === 'integrate');
const partOf = (r: RecordedAnthropicRequest) => r.task!.label.replace(/^integration:/, '');

/**
 * Each part answers with its own heading and a claim carrying an analyst's marker; the closing
 * part repeats the first line of every part it was given, with its markers.
 */
const markedResponder: AnthropicResponder = async (input) => {
  const label = input.task?.label ?? '';
  if (input.task?.step !== 'integrate') return demoResponder(input);
  const n = /^integration:part:(\d+)$/.exec(label)?.[1];
  if (n) {
    const step = /<part_steps>\n## (.+)/.exec(input.lastUserText)?.[1] ?? '';
    return `## ${step}\n\nPart ${n} finds that demand holds up in Bavaria [Source: analyst-market] and that margins are thin [Source: analyst-financial].\n`;
  }
  const parts = [...input.lastUserText.matchAll(/^Part (\d+) finds/gm)].map((m) => m[1]);
  return `## Conclusion\n\nThe parts ${parts.join(', ')} together favour a staged entry [Source: analyst-market]; in our view the pilot comes first.\n`;
};

describe('the integration written in parts, through the real SDK against the fake API', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  let library: PromptLibrary;
  before(async () => {
    fakes = await startFakes({ anthropic: { latency: { ttftMs: 30, tokensPerSecond: 4000, seed: 11 }, responder: markedResponder } });
    library = await bundledLibrary();
  });
  after(() => fakes.close());

  async function run(overrides: { store?: StateStore; signal?: AbortSignal } = {}) {
    const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), ...(overrides.store ? { store: overrides.store } : {}) });
    h.workspace.files.set('notes.md', NOTES);
    const outcome = await new Orchestrator(h.deps).start(PROBLEM, { signal: overrides.signal });
    return { h, outcome };
  }
  const planOf = (s: WorkflowState): IntegrationPlan => planIntegration(library.synthesizers.find((x) => x.id === s.proposal!.synthesizer)!.method)!;

  it('writes the parts at the same time, the longest first, and the closing last from their text, keeping every marker', async () => {
    fakes.anthropic.clearRequests();
    const { outcome } = await run();
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const s = outcome.state;
    const plan = planOf(s);
    assert.ok(plan.parts.length >= 4);
    const requests = partRequests(fakes.anthropic.requests);
    assert.deepEqual(requests.map(partOf).sort(), [...plan.parts.map((p) => `part:${p.n}`), 'closing'].sort());

    // The longest part leads; the others start once its response has begun and read the shared
    // block (the method and the analysts' outputs) from the cache instead of writing it.
    const byPart = new Map(requests.map((r) => [partOf(r), r]));
    const longest = [...plan.parts].sort((a, b) => b.maxWords - a.maxWords)[0];
    const lead = byPart.get(`part:${longest.n}`)!;
    const body = plan.parts.map((p) => byPart.get(`part:${p.n}`)!);
    assert.equal(Math.min(...body.map((r) => r.receivedAt)), lead.receivedAt);
    assert.ok(lead.cache!.writeTokens > 0);
    for (const r of body.filter((x) => x !== lead)) {
      assert.ok(r.receivedAt >= lead.firstTokenAt!, `${partOf(r)} waited for the lead`);
      assert.equal(r.cache!.writeTokens, 0, `${partOf(r)} wrote nothing to the cache`);
      assert.ok(r.cache!.readTokens > lead.cache!.readTokens, `${partOf(r)} read the shared block`);
    }
    const closing = byPart.get('closing')!;
    assert.ok(closing.receivedAt >= Math.max(...body.map((r) => r.finishedAt!)), 'the closing part is written last');
    const closingPrompt = JSON.stringify(closing.body);
    for (const p of plan.parts) assert.ok(closingPrompt.includes(`Part ${p.n} finds`), `the closing part saw part ${p.n}`);

    // The integration: the parts in the method's order, the closing last, every marker kept.
    const integration = s.integration!;
    const headings = [...integration.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, [...plan.parts.map((p) => p.steps[0].title), 'Conclusion']);
    assert.equal((integration.match(/\[Source: analyst-market\]/g) ?? []).length, plan.parts.length + 1);
    assert.match(integration, new RegExp(`The parts ${plan.parts.map((p) => p.n).join(', ')} together`));
    // The outline is written from the whole integration, markers included.
    const outline = fakes.anthropic.requests.find((r) => r.task?.step === 'outline')!;
    assert.ok(JSON.stringify(outline.body).includes('Part 1 finds that demand holds up in Bavaria [Source: analyst-market]'));
  });

  it('retries a part that comes back empty alone, with the reason', async () => {
    fakes.anthropic.clearRequests();
    let first = true;
    fakes.anthropic.setResponder(async (input) => {
      if (input.task?.label === 'integration:part:2' && first) {
        first = false;
        return '## 2. Market attractiveness\n\n';
      }
      return markedResponder(input);
    });
    try {
      const { outcome } = await run();
      assert.equal(outcome.error, undefined, outcome.error?.message);
      const plan = planOf(outcome.state);
      const counts = partRequests(fakes.anthropic.requests).map(partOf).sort();
      assert.deepEqual(counts, [...plan.parts.map((p) => `part:${p.n}`), 'part:2', 'closing'].sort());
      const retry = partRequests(fakes.anthropic.requests).filter((r) => partOf(r) === 'part:2')[1];
      assert.match(JSON.stringify(retry.body), /Your part could not be accepted: The part came back empty/);
      assert.match(outcome.state.integration!, /Part 2 finds/);
      assert.ok(outcome.state.history.some((e) => e.event === 'retry' && /part:2: The part came back empty/.test(e.detail)));
    } finally {
      fakes.anthropic.setResponder(markedResponder);
    }
  });

  it('stops at its gate when a part stays empty, and a resume writes only that part again', async () => {
    fakes.anthropic.clearRequests();
    fakes.anthropic.setResponder(async (input) => (input.task?.label === 'integration:part:3' ? '' : markedResponder(input)));
    const dir = tempDir();
    try {
      const { outcome } = await run({ store: new FileStateStore(dir) });
      assert.equal(outcome.state.status, 'failed');
      assert.match(outcome.error!.message, /part 3 .*came back empty/);
      const plan = planOf(outcome.state);
      assert.equal(partRequests(fakes.anthropic.requests).filter((r) => partOf(r) === 'part:3').length, 2);
      assert.equal(partRequests(fakes.anthropic.requests).filter((r) => partOf(r) === 'closing').length, 0);

      fakes.anthropic.setResponder(markedResponder);
      const before = fakes.anthropic.requests.length;
      const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), store: new FileStateStore(dir) });
      const resumed = await new Orchestrator(h.deps).resume(outcome.state.id);
      assert.equal(resumed.error, undefined, resumed.error?.message);
      const again = partRequests(fakes.anthropic.requests.slice(before)).map(partOf);
      assert.deepEqual(again, ['part:3', 'closing'], 'only the failed part and the closing were written');
      assert.equal(resumed.state.calls.filter((c) => c.key.startsWith('integration:part:')).length, plan.parts.length + 2);
      assert.match(resumed.state.integration!, /Part 3 finds/);
    } finally {
      fakes.anthropic.setResponder(markedResponder);
    }
  });

  it('resumes a run killed while writing without paying again for the parts already written', async () => {
    fakes.anthropic.clearRequests();
    // Parts 4 and after answer slowly, so that the kill finds them under way.
    fakes.anthropic.setFaults((input) => (/^integration:(part:[4-9]|closing)$/.test(input.task?.label ?? '') ? { kind: 'delay', ms: 3000 } : null));
    const dir = tempDir();
    const disk = new FileStateStore(dir);
    // A process killed once a save with two parts has landed: nothing it saves afterwards does.
    const { store, signal, killed } = storeKilledAfter(disk, 'integration:part:', 2);
    try {
      const first = await run({ store, signal });
      assert.equal(first.outcome.state.status, 'cancelled');
      assert.ok(killed());
      const saved = (await disk.load(first.outcome.state.id)).state;
      const done = saved.calls.filter((c) => c.key.startsWith('integration:part:')).map((c) => c.key);
      const plan = planOf(saved);
      assert.ok(done.length >= 2 && done.length < plan.parts.length, `${done.length} of ${plan.parts.length} parts on disk at the kill`);
      const before = fakes.anthropic.requests.length;
      fakes.anthropic.setFaults(undefined);

      const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), store: new FileStateStore(dir) });
      const resumed = await new Orchestrator(h.deps).resume(saved.id);
      assert.equal(resumed.error, undefined, resumed.error?.message);
      assert.equal(resumed.state.status, 'done');
      const again = partRequests(fakes.anthropic.requests.slice(before)).map((r) => `integration:${partOf(r)}:1`);
      for (const key of done) assert.ok(!again.includes(key), `${key} was not written again`);
      assert.equal(again.length, plan.parts.length - done.length + 1, 'only the parts missing at the kill, and the closing, were written');
      const earlier = fakes.anthropic.requests.slice(before).filter((r) => r.task && ['parse', 'clarify', 'sources', 'propose', 'analysts'].includes(r.task.step));
      assert.deepEqual(earlier, [], 'no earlier step paid again');
      assert.equal([...resumed.state.integration!.matchAll(/^Part \d+ finds/gm)].length, plan.parts.length);
    } finally {
      fakes.anthropic.setFaults(undefined);
    }
  });
});
