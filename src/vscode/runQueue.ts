/**
 * The review queue as the panel shows it: run summaries from the state store's index mapped to
 * panel entries, in the queue's order (what needs the person first; src/core/runIndex.ts).
 *
 * Owns: the mapping and keeping the list current as the active run changes. Must not: read
 * states (the store's index does) or render anything (media/src/queue.ts does).
 */
import { runCost, unpricedModels } from '../core/cost';
import type { RunSummary } from '../core/ports';
import { queueOrder } from '../core/runIndex';
import type { WorkflowState } from '../core/state';
import { summarizeRun } from '../core/stateStore';
import type { RunEntry } from './protocol';

export function toEntry(s: RunSummary): RunEntry {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    step: s.step,
    awaiting: s.awaiting,
    updatedAt: s.updatedAt,
    costUsd: s.costUsd,
    budgetUsd: s.budgetUsd ?? null,
    ...(s.error ? { error: s.error } : {}),
    unpricedModels: s.unpricedModels ?? [],
    ...(s.overnight ? { overnight: s.overnight } : {}),
  };
}

/** The queue from the store's summaries. */
export function queueEntries(summaries: RunSummary[]): RunEntry[] {
  return queueOrder(summaries.map(toEntry));
}

/** The queue with one run replaced by its current state (the active run). */
export function withRun(entries: RunEntry[], state: Readonly<WorkflowState>): RunEntry[] {
  const entry = toEntry({ ...summarizeRun(state as WorkflowState), costUsd: runCost(state) });
  if (unpricedModels(state).length === 0) entry.unpricedModels = [];
  return queueOrder([entry, ...entries.filter((r) => r.id !== state.id)]);
}
