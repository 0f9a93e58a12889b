import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import type { LanguageModel, MessageBatches, ProposalDecision, StateStore } from '../../src/core/ports';
import { FileStateStore } from '../../src/core/stateStore';
import { harness, ScriptedReviewer, tempDir } from '../helpers/core';
import { bundledLibrary, startFakes } from '../helpers/fakeRun';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
const OVERNIGHT: ProposalDecision[] = [{ kind: 'modify', changes: { overnight: true } }, { kind: 'approve' }];
const SETTINGS = { batchPollMs: 10, batchMaxPollMs: 40 };

/** Saves stop reaching the disk once killed; batch calls after the kill never return. */
class Kill {
  killed = false;
  private readonly writing = new Set<Promise<unknown>>();
  /** Waits for the writes that had started before the kill (a dead process's last write lands or not). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writing]);
  }
  store(inner: StateStore): StateStore {
    const track = (p: Promise<void>) => {
      this.writing.add(p);
      void p.finally(() => this.writing.delete(p)).catch(() => undefined);
      return p;
    };
    return {
      save: (s) => (this.killed ? Promise.resolve() : track(inner.save(s))),
      load: (id) => inner.load(id),
      list: () => inner.list(),
      appendRunLog: (id, md) => (this.killed ? Promise.resolve() : inner.appendRunLog(id, md)),
      readRunLog: (id) => inner.readRunLog(id),
    };
  }
  model(inner: LanguageModel, at: { create?: boolean; polls?: number }): LanguageModel {
    const api = inner.batches!;
    let polls = 0;
    const never = <T>(): Promise<T> => new Promise<T>(() => {});
    const batches: MessageBatches = {
      create: async (r, o) => {
        const created = await api.create(r, o);
        if (at.create) this.killed = true;
        return this.killed ? never() : created;
      },
      retrieve: async (id, o) => {
        if (this.killed) return never();
        const st = await api.retrieve(id, o);
        if (at.polls !== undefined && ++polls >= at.polls) this.killed = true;
        return this.killed ? never() : st;
      },
      results: (id, o) => (this.killed ? never() : api.results(id, o)),
      cancel: (id, o) => api.cancel(id, o),
      listSince: (since, o) => api.listSince(since, o),
    };
    return {
      batches,
      complete: (req, o) => (this.killed ? never() : inner.complete(req, o)),
      countTokens: (req, o) => inner.countTokens!(req, o),
    };
  }
}

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('overnight mode through the Message Batches API', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes();
  });
  beforeEach(() => {
    fakes.anthropic.clearRequests();
    fakes.anthropic.clearCache();
    fakes.anthropic.batches.clear();
    fakes.anthropic.setBatchOptions({ processingMs: 30 });
  });
  after(() => fakes.close());

  const interactiveAnalysts = () =>
    fakes.anthropic.requests.filter((r) => r.path.endsWith('/v1/messages') && r.task?.step === 'analysts').map((r) => r.task!.label);

  it('sends the analysts as one batch with the shared blocks cached for an hour, billed at the batch price', async () => {
    const library = await bundledLibrary();
    const h = harness({ model: fakes.model, search: null, library, reviewer: new ScriptedReviewer({ proposal: OVERNIGHT }), settings: SETTINGS });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    assert.equal(state.proposal!.overnight, true);
    assert.equal(state.proposal!.estimate!.overnight, true);
    assert.equal(fakes.anthropic.batches.size, 1);
    const batch = [...fakes.anthropic.batches.values()][0];
    assert.equal(batch.requests.length, state.proposal!.analysts.length);
    const system = batch.requests[0].params.system as Array<{ cache_control?: { ttl?: string } }>;
    assert.ok(system.filter((b) => b.cache_control).every((b) => b.cache_control!.ttl === '1h'));
    assert.deepEqual(interactiveAnalysts(), [], 'no analyst ran as a normal call');
    const calls = state.calls.filter((c) => c.step === 'analysts');
    assert.ok(calls.length > 0 && calls.every((c) => c.batch === true && c.costUsd > 0));
    assert.equal(state.overnight!.status, 'done');
    assert.ok(state.overnight!.polls >= 1);
  });

  it('matches shuffled results by custom_id; an errored and an expired entry run again as normal calls', async () => {
    const library = await bundledLibrary();
    const faults = new Map<string, 'errored' | 'expired'>();
    fakes.anthropic.setBatchOptions({
      processingMs: 20,
      entryFault: (customId, i) => {
        const f = i === 0 ? 'errored' : i === 1 ? 'expired' : null;
        if (f) faults.set(customId, f);
        return f;
      },
    });
    const h = harness({ model: fakes.model, search: null, library, reviewer: new ScriptedReviewer({ proposal: OVERNIGHT }), settings: SETTINGS });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    const labels = [...faults.keys()].map((id) => `analyst:${state.overnight!.requests[id].split(':')[1]}`);
    assert.deepEqual(interactiveAnalysts().sort(), labels.sort(), 'exactly the failed entries ran as normal calls');
    assert.ok(Object.values(state.analysts).every((a) => a.status === 'done'));
    const batched = state.calls.filter((c) => c.step === 'analysts' && c.batch);
    assert.equal(batched.length, state.proposal!.analysts.length - 2);
  });

  it('a run killed while sending the batch finds it on resume instead of sending it again', async () => {
    const library = await bundledLibrary();
    const dir = tempDir();
    const kill = new Kill();
    const h = harness({
      model: kill.model(fakes.model, { create: true }),
      search: null,
      library,
      reviewer: new ScriptedReviewer({ proposal: OVERNIGHT }),
      settings: SETTINGS,
      store: kill.store(new FileStateStore(dir)),
    });
    void new Orchestrator(h.deps).start(PROBLEM);
    await waitFor(() => kill.killed);
    await kill.settled();
    assert.equal(fakes.anthropic.batches.size, 1);

    const store = new FileStateStore(dir);
    const [run] = await store.list();
    const saved = (await store.load(run.id)).state;
    assert.equal(saved.overnight!.batchId, undefined, 'the batch id never reached the disk');
    assert.ok(saved.overnight!.submittingSince);
    const h2 = harness({ model: fakes.model, search: null, library, settings: SETTINGS, store });
    const { state } = await new Orchestrator(h2.deps).resume(run.id);
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    assert.equal(fakes.anthropic.batches.size, 1, 'no second batch was sent');
    assert.equal(state.overnight!.batchId, [...fakes.anthropic.batches.keys()][0]);
    assert.deepEqual(interactiveAnalysts(), []);
  });

  it('a run killed while polling a batch that does not end polls the same batch on resume', async () => {
    const library = await bundledLibrary();
    fakes.anthropic.setBatchOptions({ processingMs: 'never' });
    const dir = tempDir();
    const kill = new Kill();
    const h = harness({
      model: kill.model(fakes.model, { polls: 3 }),
      search: null,
      library,
      reviewer: new ScriptedReviewer({ proposal: OVERNIGHT }),
      settings: SETTINGS,
      store: kill.store(new FileStateStore(dir)),
    });
    void new Orchestrator(h.deps).start(PROBLEM);
    await waitFor(() => kill.killed);
    await kill.settled();
    const store = new FileStateStore(dir);
    const [run] = await store.list();
    assert.equal(run.overnight, 'in-progress', 'the queue shows the run as overnight, in progress');
    const saved = (await store.load(run.id)).state;
    assert.ok(saved.overnight!.batchId);

    fakes.anthropic.setBatchOptions({ processingMs: 0 });
    const h2 = harness({ model: fakes.model, search: null, library, settings: SETTINGS, store });
    const { state } = await new Orchestrator(h2.deps).resume(run.id);
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    assert.equal(fakes.anthropic.batches.size, 1);
    assert.equal(state.overnight!.batchId, saved.overnight!.batchId);
  });

  it('keeps polling through 429 and 500 answers (retried with backoff)', async () => {
    const library = await bundledLibrary();
    fakes.anthropic.setBatchOptions({ processingMs: 20, endpointFaults: [null, { kind: 'rate-limit', retryAfterSeconds: 0 }, { kind: 'api-error' }] });
    const h = harness({ model: fakes.model, search: null, library, reviewer: new ScriptedReviewer({ proposal: OVERNIGHT }), settings: SETTINGS });
    const { state } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done', state.errors.map((e) => e.message).join('; '));
    const polls = fakes.anthropic.requests.filter((r) => r.path.includes('/batches/') && r.method === 'GET');
    assert.ok(polls.some((r) => r.status === 429) && polls.some((r) => r.status === 500));
    assert.equal(fakes.anthropic.batches.size, 1);
  });
});
