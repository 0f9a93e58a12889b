import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import type { LanguageModel, ModelCallOptions, ModelRequest, ModelResponse, Reviewer, StateStore } from '../../src/core/ports';
import type { WorkflowState } from '../../src/core/state';
import { FileStateStore } from '../../src/core/stateStore';
import { DemoModel } from '../../src/providers/demo';
import { harness, ScriptedReviewer, tempDir } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';

/**
 * Simulates the process dying: once `kill()` is called, saves no longer reach the disk and
 * every pending or later model call and reviewer question never returns.
 */
class KillSwitch {
  killed = false;
  readonly calledKeys: string[] = [];
  store(inner: StateStore): StateStore {
    return {
      save: (s) => (this.killed ? Promise.resolve() : inner.save(s)),
      load: (id) => inner.load(id),
      list: () => inner.list(),
      appendRunLog: (id, md) => (this.killed ? Promise.resolve() : inner.appendRunLog(id, md)),
      readRunLog: (id) => inner.readRunLog(id),
    };
  }
  model(inner: LanguageModel, killAtCall: number | null): LanguageModel {
    let count = 0;
    return {
      demo: true,
      complete: (req: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> => {
        count++;
        if (killAtCall !== null && count === killAtCall) this.killed = true;
        if (this.killed) return new Promise(() => {});
        return inner.complete(req, options);
      },
    };
  }
  reviewer(inner: Reviewer, killAtGate: number | null): Reviewer {
    let n = 0;
    const gate = <T>(f: () => Promise<T>): Promise<T> => {
      n++;
      if (killAtGate !== null && n === killAtGate) this.killed = true;
      if (this.killed) return new Promise(() => {});
      return f();
    };
    return {
      chooseSources: (r, s) => gate(() => inner.chooseSources(r, s)),
      answerClarifications: (q, s) => gate(() => inner.answerClarifications(q, s)),
      reviewProposal: (v, s) => gate(() => inner.reviewProposal(v, s)),
      reviewOutline: (v, s) => gate(() => inner.reviewOutline(v, s)),
      decideOnFailures: (v, s) => gate(() => inner.decideOnFailures(v, s)),
    };
  }
}

async function waitFor(cond: () => boolean, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function runToCompletionCount(): Promise<{ calls: number; gates: number; parallel: number }> {
  const h = harness();
  const outcome = await new Orchestrator(h.deps).start(PROBLEM);
  assert.equal(outcome.state.status, 'done');
  // The analysts run in parallel, and so do the document's sections but the summary (written last).
  const analysts = outcome.state.calls.filter((c) => c.step === 'analysts').length;
  const sections = outcome.state.calls.filter((c) => c.key.startsWith('fulltext:section:')).length;
  return { calls: h.model.calls.length, gates: h.reviewer.seen.length, parallel: Math.max(analysts, sections - 1) };
}

/** Kills a run at a model call or a gate, then resumes it from what reached the disk. */
async function killAndResume(kill: { call?: number; gate?: number }) {
  const dir = tempDir();
  const disk = new FileStateStore(dir);
  const ks = new KillSwitch();
  const h1 = harness({
    store: ks.store(disk),
    model: ks.model(new DemoModel(), kill.call ?? null),
    reviewer: ks.reviewer(new ScriptedReviewer(), kill.gate ?? null) as ScriptedReviewer,
  });
  const controller = new AbortController();
  void new Orchestrator(h1.deps).start(PROBLEM, { signal: controller.signal });
  await waitFor(() => ks.killed);
  // Let calls already in flight settle into "never returns"; nothing more reaches the disk.
  await new Promise((r) => setTimeout(r, 20));
  const [summary] = await disk.list();
  assert.ok(summary, 'the state was saved before the kill');
  const saved: WorkflowState = (await disk.load(summary.id)).state;
  const recordedKeys = new Set(saved.calls.map((c) => c.key));

  const keysCalled: string[] = [];
  const h2 = harness({ store: disk });
  const resumedModel: LanguageModel = {
    demo: true,
    complete: (req, options) => {
      keysCalled.push(req.label);
      return new DemoModel().complete(req, options);
    },
  };
  const outcome = await new Orchestrator({ ...h2.deps, model: resumedModel }).resume(summary.id);
  controller.abort();
  return { outcome, saved, recordedKeys, keysCalled, h2 };
}

describe('kill and resume', () => {
  it('resumes at every model call without repeating a finished call', async () => {
    const full = await runToCompletionCount();
    assert.ok(full.calls >= 10);
    for (let k = 1; k <= full.calls; k++) {
      const { outcome, saved, keysCalled } = await killAndResume({ call: k });
      assert.equal(outcome.state.status, 'done', `killed at call ${k}: ${outcome.error?.message ?? ''}`);
      // Calls made after resume = total - calls finished before the kill.
      assert.equal(
        keysCalled.length,
        full.calls - saved.calls.length,
        `killed at call ${k}: ${saved.calls.length} recorded, ${keysCalled.length} made again`,
      );
      // Finished calls are all reused: the final state has each key once.
      const keys = outcome.state.calls.map((c) => c.key);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(keys.length, full.calls);
      // Only calls in flight at the kill may be made again: the analysts (and the sections of the
      // document) run in parallel, so at most all of them; elsewhere exactly one.
      const inFlight = full.calls - saved.calls.length - (full.calls - k + 1);
      assert.ok(inFlight <= full.parallel, `killed at call ${k}: ${inFlight} parallel calls in flight`);
    }
  });

  it('resumes at every human gate, asking the gate again', async () => {
    const full = await runToCompletionCount();
    for (let g = 1; g <= full.gates; g++) {
      const { outcome, saved, keysCalled, h2 } = await killAndResume({ gate: g });
      assert.equal(outcome.state.status, 'done', `killed at gate ${g}`);
      assert.ok(saved.awaiting, `killed at gate ${g}: the state says which gate is open`);
      assert.equal(h2.reviewer.seen[0].gate, saved.awaiting === 'proposal' ? 'proposal' : saved.awaiting);
      assert.equal(keysCalled.length, full.calls - saved.calls.length);
    }
  });

  it('resumes a cancelled run where it stopped, paying nothing twice', async () => {
    const h = harness();
    const controller = new AbortController();
    let analystCalls = 0;
    h.model.rewrite = (req, res) => {
      if (req.step === 'analysts' && ++analystCalls === 2) controller.abort();
      return res;
    };
    const first = await new Orchestrator(h.deps).start(PROBLEM, { signal: controller.signal });
    assert.equal(first.state.status, 'cancelled');
    assert.equal(first.state.step, 'analysts');
    const before = first.state.calls.length;
    const h2 = harness({ store: h.store });
    const second = await new Orchestrator(h2.deps).resume(first.state.id);
    assert.equal(second.state.status, 'done');
    assert.equal(h2.model.calls.filter((c) => c.step === 'parse').length, 0);
    assert.equal(before + h2.model.calls.length, second.state.calls.length);
  });

  it('reuses an analyst answer that finished just before the kill, even though the analyst was still marked running', async () => {
    const h = harness();
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    // Rewind to the analyst step as a kill right after the market call was recorded would leave it.
    const rewound: WorkflowState = JSON.parse(JSON.stringify(state));
    rewound.step = 'analysts';
    rewound.status = 'running';
    rewound.history = rewound.history.filter((e) => !['analysts', 'integrate', 'outline', 'citations', 'fulltext'].includes(e.step));
    rewound.analysts.market = { id: 'market', status: 'running', attempts: 1, errors: [] };
    rewound.integration = null;
    rewound.outline = [];
    rewound.outlineApproved = false;
    rewound.citationMap = [];
    rewound.finalDocument = null;
    await h.store.save(rewound);
    const h2 = harness({ store: h.store });
    const outcome = await new Orchestrator(h2.deps).resume(state.id);
    assert.equal(outcome.state.status, 'done');
    assert.equal(outcome.state.analysts.market.status, 'done');
    assert.deepEqual(h2.model.calls, [], 'every answer was reused');
  });

  it('falls back to the backup when the state file is corrupted, with a clear message', async () => {
    const h = harness({ reviewer: new ScriptedReviewer({ proposal: [{ kind: 'cancel' }] }) });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${h.dir}/runs/${state.id}/state.json`, '{ broken');
    const warnings: string[] = [];
    const h2 = harness({ store: h.store, log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
    const outcome = await new Orchestrator(h2.deps).resume(state.id);
    assert.equal(outcome.state.status, 'done');
    assert.ok(warnings.some((w) => /previous version .* was used instead/.test(w)), warnings.join('\n'));
  });
});

describe('resume after a failed check', () => {
  for (const step of ['fulltext', 'citations'] as const) {
    it(`makes a new round of ${step} attempts instead of replaying the rejected answers, reusing every other call`, async () => {
      const h = harness();
      // Every answer of the step fails its check.
      h.model.rewrite = (req, res) =>
        req.step === step ? { ...res, text: step === 'fulltext' ? 'Too short.' : 'no JSON here' } : res;
      const first = await new Orchestrator(h.deps).start(PROBLEM);
      assert.equal(first.state.status, 'failed');
      assert.equal(first.state.step, step);
      // Both attempts of the first round were made (of each section, when written by sections).
      const rejected = new Map<string, number>();
      for (const c of h.model.calls.filter((x) => x.step === step)) rejected.set(c.label, (rejected.get(c.label) ?? 0) + 1);
      assert.ok(rejected.size >= 1);
      for (const [label, n] of rejected) assert.equal(n, 2, `both attempts of the first round were made (${label})`);

      // The model answers properly now; the resumed run asks it again for this step only.
      const h2 = harness({ store: h.store });
      const second = await new Orchestrator(h2.deps).resume(first.state.id);
      assert.equal(second.state.status, 'done', second.error?.message);
      assert.ok(h2.model.calls.length > 0, 'the rejected answers were replayed');
      const otherSteps = h2.model.calls.filter((c) => c.step !== step && !(step === 'citations' && c.step === 'fulltext'));
      assert.deepEqual(otherSteps, [], `calls of other steps were made again: ${otherSteps.map((c) => c.label).join(', ')}`);
      // Every call is recorded once: the rejected round stays in the accounting.
      const keys = second.state.calls.map((c) => c.key);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal((await h.store.load(first.state.id)).state.status, 'done');
    });
  }

  it('keeps the accepted sections of the final document and writes again only the one that failed', async () => {
    const h = harness();
    const failing = 'section:3';
    h.model.rewrite = (req, res) => (req.step === 'fulltext' && req.label === failing ? { ...res, text: 'Too short.' } : res);
    const first = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(first.state.status, 'failed');
    assert.equal(first.state.step, 'fulltext');
    const written = new Set(h.model.calls.filter((c) => c.step === 'fulltext').map((c) => c.label));
    assert.ok(written.size > 2 && written.has(failing), [...written].join(', '));

    const h2 = harness({ store: h.store });
    const second = await new Orchestrator(h2.deps).resume(first.state.id);
    assert.equal(second.state.status, 'done', second.error?.message);
    const again = h2.model.calls.map((c) => c.label);
    assert.ok(again.includes(failing), 'the failed section was written again');
    // The other sections written in the first run were accepted: none is paid for again (the
    // summary, written from them, had not been written yet).
    assert.deepEqual(again.filter((l) => written.has(l) && l !== failing), [], again.join(', '));
    assert.ok(h2.model.calls.every((c) => c.step === 'fulltext'), 'only the full-text step made calls');
    const keys = second.state.calls.map((c) => c.key);
    assert.equal(new Set(keys).size, keys.length);
  });
});
