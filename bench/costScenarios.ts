/**
 * The benchmark's cost scenarios: how close the proposal's estimate came to the full run's cost,
 * a run given a budget below its cost (nothing may be spent past it), the analyst step through
 * the Message Batches API against the same step interactive, and listing 500 stored runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCost } from '../src/core/cost';
import type { PromptLibrary } from '../src/core/library';
import { Orchestrator } from '../src/core/orchestrator';
import type { BudgetDecision, ProposalDecision, ProposalView } from '../src/core/ports';
import { queueOrder } from '../src/core/runIndex';
import type { WorkflowState } from '../src/core/state';
import { FileStateStore } from '../src/core/stateStore';
import { nodeFileSystem, type StoreFileSystem } from '../src/core/storeFiles';
import type { FakeHost } from './fakeHost';
import { median } from './metrics';
import { benchDeps, InstantReviewer, now, PROBLEM, StepClock, TimedModel } from './setup';

/** Approves the proposal with overnight mode on (after the six analysts). */
class OvernightReviewer extends InstantReviewer {
  override async reviewProposal(view: ProposalView): Promise<ProposalDecision> {
    const first = await super.reviewProposal(view);
    if (first.kind === 'approve' && !view.proposal.overnight) return { kind: 'modify', changes: { overnight: true } };
    return first;
  }
}

/** Stops at the budget checkpoint (cancel: resumable). */
class StopAtBudget extends InstantReviewer {
  asked = 0;
  decideOnBudget(): Promise<BudgetDecision> {
    this.asked += 1;
    return Promise.resolve({ kind: 'cancel' });
  }
}

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** |estimated − actual| ÷ actual, over the model calls (input and output) of a finished run. */
export function estimateError(state: WorkflowState): { estimatedUsd: number; actualUsd: number; ratio: number; method: string } | null {
  const e = state.proposal?.estimate;
  if (!e) return null;
  const estimatedUsd = e.expectedUsd - e.parts.search;
  const actualUsd = state.calls.reduce((n, c) => n + c.costUsd, 0);
  return { estimatedUsd, actualUsd, ratio: actualUsd > 0 ? Math.abs(estimatedUsd - actualUsd) / actualUsd : Number.NaN, method: e.method };
}

/** A full run with a budget of `budgetUsd`: how much was spent past it, and where it stopped. */
export async function budgetRun(fakes: FakeHost, library: PromptLibrary, budgetUsd: number) {
  await fakes.reset();
  const dir = tempDir('sa-bench-budget-');
  try {
    const reviewer = new StopAtBudget();
    const deps = benchDeps({ model: new TimedModel(fakes.model), search: fakes.search, store: new FileStateStore(dir), library, reviewer, settings: { maxUsdPerRun: budgetUsd } });
    const { state } = await new Orchestrator(deps).start(PROBLEM);
    const spent = runCost(state);
    return { budgetUsd, spentUsd: spent, overrunUsd: Math.max(0, spent - budgetUsd), stoppedAt: state.step, status: state.status, asked: reviewer.asked };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The analyst step of a run started afresh with overnight mode on, stopped at the step's end. */
export async function overnightAnalystStep(fakes: FakeHost, library: PromptLibrary) {
  await fakes.reset();
  const dir = tempDir('sa-bench-overnight-');
  try {
    const controller = new AbortController();
    const clock = new StepClock((event) => {
      if (event.type === 'step-end' && event.step === 'analysts') controller.abort();
    });
    const deps = benchDeps({
      model: new TimedModel(fakes.model),
      search: fakes.search,
      store: new FileStateStore(dir),
      library,
      reviewer: new OvernightReviewer(),
      settings: { batchPollMs: 50, batchMaxPollMs: 200 },
      onEvent: clock.onEvent,
    });
    const { state } = await new Orchestrator(deps).start(PROBLEM, { signal: controller.signal });
    const calls = state.calls.filter((c) => c.step === 'analysts');
    const window = clock.windows.find((w) => w.step === 'analysts' && Number.isFinite(w.end));
    if (!window || !state.overnight?.batchId) throw new Error(`The overnight analyst step did not complete (${state.status} at ${state.step})`);
    return {
      costUsd: calls.reduce((n, c) => n + c.costUsd, 0),
      batchedCalls: calls.filter((c) => c.batch).length,
      calls: calls.length,
      wallMs: window.end - window.start,
      polls: state.overnight.polls,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Saves without flushing: only to build the 500 stored runs quickly. */
const quickFs: StoreFileSystem = { ...nodeFileSystem, writeFileDurably: (file, text) => nodeFileSystem.writeFile!(file, text), syncDirectory: async () => {} };

/**
 * 500 runs stored (copies of the full run's final state, some waiting, failed or running), then
 * the run list opened by a new store, as the panel does: list and queue order. Median of three.
 */
export async function runList(state: WorkflowState, count = 500) {
  const dir = tempDir('sa-bench-runs-');
  try {
    const writer = new FileStateStore(dir, { fs: quickFs });
    const statuses: WorkflowState['status'][] = ['done', 'done', 'done', 'awaiting', 'failed', 'cancelled', 'running'];
    for (let i = 0; i < count; i++) {
      const copy: WorkflowState = {
        ...state,
        id: `${state.id.slice(0, 40)}-${String(i).padStart(4, '0')}`,
        status: statuses[i % statuses.length],
        updatedAt: new Date(Date.parse(state.updatedAt) - i * 60_000).toISOString(),
      };
      await writer.save(copy);
    }
    const bytes = Buffer.byteLength(JSON.stringify(state));
    const times: number[] = [];
    let listed = 0;
    for (let round = 0; round < 3; round++) {
      const started = now();
      const runs = queueOrder(await new FileStateStore(dir).list());
      times.push(now() - started);
      listed = runs.length;
    }
    return { ms: median(times)!, firstMs: times[0], listed, stateBytes: bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
