import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentOutline } from '../../src/core/promptText';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { planSections } from '../../src/core/sectionPlan';
import { Orchestrator } from '../../src/core/orchestrator';
import type { StateStore, WorkflowEvent } from '../../src/core/ports';
import { FileStateStore } from '../../src/core/stateStore';
import type { RecordedAnthropicRequest } from '../fakes/anthropicServer';
import { harness, ScriptedReviewer, storeKilledAfter, tempDir } from '../helpers/core';
import { bundledLibrary, demoResponder, startFakes } from '../helpers/fakeRun';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
/** The person picks the full report: eight sections, the executive summary first. */
const reviewer = () =>
  new ScriptedReviewer({
    sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: true }],
    proposal: [{ kind: 'modify', changes: { template: 'full-report' } }, { kind: 'approve' }],
  });
const NOTES = '# Notes\n\nOur distributor in Munich reports demand growth for industrial sensors.\n'.repeat(40);

const sectionRequests = (requests: RecordedAnthropicRequest[]) => requests.filter((r) => r.task?.step === 'fulltext');
const sectionNumber = (r: RecordedAnthropicRequest) => Number(/^section:(\d+)$/.exec(r.task!.label)?.[1]);

/** The `##` headings of the document body, and its citation numbers in order of appearance. */
function shape(markdown: string) {
  const { body } = parseFrontmatter(markdown);
  const [text, sources = ''] = body.split(/^## Sources$/m);
  return {
    headings: [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]),
    cited: [...text.matchAll(/\[\[?(\d+)\]/g)].map((m) => Number(m[1])),
    listed: [...sources.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1])),
  };
}

describe('the final document written section by section, through the real SDK against the fake API', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes({ anthropic: { latency: { ttftMs: 30, tokensPerSecond: 4000, seed: 7 } } });
  });
  after(() => fakes.close());

  async function run(overrides: { store?: StateStore; signal?: AbortSignal; onEvent?: (e: WorkflowEvent) => void } = {}) {
    const library = await bundledLibrary();
    const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), ...(overrides.store ? { store: overrides.store } : {}) });
    h.workspace.files.set('notes.md', NOTES);
    const outcome = await new Orchestrator({ ...h.deps, onEvent: overrides.onEvent }).start(PROBLEM, { signal: overrides.signal });
    return { h, library, outcome };
  }

  it('writes the sections in parallel, in template order, the summary last, with one citation numbering', async () => {
    fakes.anthropic.clearRequests();
    const drafts: string[][] = [];
    const { library, outcome } = await run({ onEvent: (e) => e.type === 'draft' && drafts.push([...e.parts]) });
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const s = outcome.state;
    const template = library.templates.find((t) => t.id === s.proposal!.template)!;
    const plan = planSections(currentOutline(s), template, s.citationMap);
    assert.ok(plan.sections.length >= 3 && plan.sections.some((p) => p.summary));

    // One call per section; the sections in the outline's order; one numbering, one Sources list.
    const requests = sectionRequests(fakes.anthropic.requests);
    assert.deepEqual(requests.map(sectionNumber).sort((a, b) => a - b), plan.sections.map((p) => p.index + 1));
    const doc = shape(s.finalDocument!.markdown);
    assert.deepEqual(doc.headings, plan.sections.map((p) => p.heading));
    assert.ok(doc.cited.length > 0);
    const firstSeen = doc.cited.filter((n, i) => doc.cited.indexOf(n) === i);
    assert.deepEqual(firstSeen, firstSeen.map((_, i) => i + 1), 'numbered in order of first appearance across sections');
    assert.deepEqual(doc.listed, firstSeen, 'every number listed once under Sources');
    assert.equal((s.finalDocument!.markdown.match(/^## Sources$/gm) ?? []).length, 1);
    assert.doesNotMatch(s.finalDocument!.markdown, /\[S\d+\]|\[Source:|<!-- task/);

    // The longest section leads; the others start once its response has begun, and read the
    // material every writer shares from the cache instead of writing it again.
    const byNumber = new Map(requests.map((r) => [sectionNumber(r), r]));
    const bodyPlan = plan.sections.filter((p) => !p.summary);
    const longest = [...bodyPlan].sort((a, b) => b.words - a.words)[0];
    const lead = byNumber.get(longest.index + 1)!;
    const body = bodyPlan.map((p) => byNumber.get(p.index + 1)!);
    assert.equal(Math.min(...body.map((r) => r.receivedAt)), lead.receivedAt);
    for (const r of body.filter((x) => x !== lead)) {
      assert.ok(r.receivedAt >= lead.firstTokenAt!, `section ${sectionNumber(r)} waited for the lead`);
      assert.equal(r.cache!.writeTokens, 0, `section ${sectionNumber(r)} wrote nothing to the cache`);
      assert.ok(r.cache!.readTokens > lead.cache!.readTokens, `section ${sectionNumber(r)} read the shared block`);
    }
    assert.ok(lead.cache!.writeTokens > 0);
    // The executive summary is written last, from the text of the other sections.
    const summary = byNumber.get(plan.sections.find((p) => p.summary)!.index + 1)!;
    assert.ok(summary.receivedAt >= Math.max(...body.map((r) => r.finishedAt!)));
    const summaryPrompt = JSON.stringify(summary.body);
    for (const r of body) assert.ok(summaryPrompt.includes(JSON.stringify(r.text).slice(1, 40)), 'the summary saw every section');

    // The draft filled in in document order: the title, then the sections in template order.
    const last = drafts.at(-1)!;
    assert.deepEqual(last.slice(1).map((p) => /^## (.+)/.exec(p)![1]), plan.sections.map((p) => p.heading));
    const at = plan.sections.find((p) => p.summary)!.index + 1;
    assert.ok(drafts.some((d) => !d[at].includes('\n') && d.some((p, i) => i > 0 && i !== at && p.length > 40)), 'sections appear before the summary');
  });

  it('retries a section that fails its checks alone, with the reason', async () => {
    fakes.anthropic.clearRequests();
    let first = true;
    fakes.anthropic.setResponder(async (input) => {
      const answer = await demoResponder(input);
      if (input.task?.label === 'section:3' && first) {
        first = false;
        return 'The market grows fast [Source: analyst-market], as the data shows. '.repeat(3);
      }
      return answer;
    });
    try {
      const { outcome } = await run();
      assert.equal(outcome.error, undefined, outcome.error?.message);
      const counts = sectionRequests(fakes.anthropic.requests).map(sectionNumber);
      const n = Math.max(...counts);
      assert.deepEqual([...counts].sort((a, b) => a - b), [...Array.from({ length: n }, (_, i) => i + 1), 3].sort((a, b) => a - b));
      const retry = sectionRequests(fakes.anthropic.requests).filter((r) => sectionNumber(r) === 3)[1];
      assert.match(JSON.stringify(retry.body), /internal markers/);
      assert.doesNotMatch(outcome.state.finalDocument!.markdown, /\[Source:/);
      assert.ok(outcome.state.history.some((e) => e.event === 'retry' && /section 3/.test(e.detail)));
    } finally {
      fakes.anthropic.setResponder(demoResponder);
    }
  });

  it('resumes a run killed while writing without paying again for the sections already written', async () => {
    fakes.anthropic.clearRequests();
    // Sections 6 to 8 answer slowly, so that the kill finds them under way.
    fakes.anthropic.setFaults((input) => (/^section:[45678]$/.test(input.task?.label ?? '') ? { kind: 'delay', ms: 3000 } : null));
    const dir = tempDir();
    const disk = new FileStateStore(dir);
    // A process killed once a save with two sections has landed: nothing it saves afterwards does.
    const { store, signal, killed } = storeKilledAfter(disk, 'fulltext:section:', 2);
    try {
      const first = await run({ store, signal });
      assert.equal(first.outcome.state.status, 'cancelled');
      assert.ok(killed());
      // What reached the disk before the kill is all a new process knows.
      const saved = (await disk.load(first.outcome.state.id)).state;
      const done = saved.calls.filter((c) => c.key.startsWith('fulltext:section:')).map((c) => c.key);
      const total = saved.outline.at(-1)!.text.split('\n').filter((l) => /^## /.test(l)).length;
      assert.ok(done.length >= 2 && done.length < total, `${done.length} of ${total} sections on disk at the kill`);
      const before = fakes.anthropic.requests.length;
      fakes.anthropic.setFaults(undefined);

      const library = await bundledLibrary();
      const h = harness({ model: fakes.model, search: fakes.search, library, reviewer: reviewer(), store: new FileStateStore(dir) });
      const resumed = await new Orchestrator(h.deps).resume(saved.id);
      assert.equal(resumed.error, undefined, resumed.error?.message);
      assert.equal(resumed.state.status, 'done');
      const again = fakes.anthropic.requests.slice(before).filter((r) => r.task?.step === 'fulltext').map((r) => `fulltext:section:${sectionNumber(r)}:1`);
      for (const key of done) assert.ok(!again.includes(key), `${key} was not written again`);
      assert.equal(again.length, total - done.length, 'only the sections missing at the kill were written');
      assert.deepEqual(fakes.anthropic.requests.slice(before).filter((r) => r.task?.step !== 'fulltext'), [], 'no earlier step paid again');
      const doc = shape(resumed.state.finalDocument!.markdown);
      assert.equal(doc.headings.length, total);
      const firstSeen = doc.cited.filter((n, i) => doc.cited.indexOf(n) === i);
      assert.deepEqual(doc.listed, firstSeen);
    } finally {
      fakes.anthropic.setFaults(undefined);
    }
  });
});
