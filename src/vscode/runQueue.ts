/**
 * The review queue as the panel shows it: run summaries from the state store's index mapped to
 * panel entries, in the queue's order (what needs the person first; src/core/runIndex.ts).
 *
 * Owns: the mapping, the list the panel shows (RunList) and keeping it current as the active run
 * changes. Must not: read states (the store's index does) or render anything (media/src/queue.ts
 * does).
 */
import { runCost, unpricedModels } from '../core/cost';
import { errorMessage } from '../core/errors';
import type { Log, RunSummary } from '../core/ports';
import { queueOrder } from '../core/runIndex';
import type { WorkflowState } from '../core/state';
import { summarizeRun } from '../core/runSummary';
import type { RunEntry } from '../shared/protocol';
import { noticeTexts } from './runNotices';

/**
 * `activeId`: the run this window drives. Any other run recorded as running or waiting was
 * interrupted: the window that ran it was closed or killed.
 */
export function toEntry(s: RunSummary, activeId: string | null = null): RunEntry {
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
    interrupted: (s.status === 'running' || s.status === 'awaiting') && !s.overnight && s.id !== activeId,
    notices: noticeTexts(s.notices),
  };
}

/** The queue order, with interrupted runs among those that need the person. */
function ordered(entries: RunEntry[]): RunEntry[] {
  const keys = entries.map((e, i) => ({ i, id: e.id, updatedAt: e.updatedAt, overnight: e.overnight, status: e.interrupted ? ('awaiting' as const) : e.status }));
  return queueOrder(keys).map((k) => entries[k.i]);
}

/** The queue from the store's summaries. */
export function queueEntries(summaries: RunSummary[], activeId: string | null = null): RunEntry[] {
  return ordered(summaries.map((s) => toEntry(s, activeId)));
}

/** The queue with one run replaced by its current state (the active run). */
export function withRun(entries: RunEntry[], state: Readonly<WorkflowState>): RunEntry[] {
  const entry = toEntry({ ...summarizeRun(state as WorkflowState), costUsd: runCost(state) }, state.id);
  if (unpricedModels(state).length === 0) entry.unpricedModels = [];
  return ordered([entry, ...entries.filter((r) => r.id !== state.id)]);
}

/** The review queue of this workspace, as the panel shows it. */
export class RunList {
  private list: RunEntry[] = [];
  private isLoaded = false;

  constructor(
    private readonly summaries: () => Promise<RunSummary[]>,
    private readonly log: Log,
  ) {}

  get entries(): RunEntry[] {
    return this.list;
  }

  /** False until the store's summaries were read once. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  find(id: string): RunEntry | undefined {
    return this.list.find((r) => r.id === id);
  }

  /** Reads the store's summaries again; an unreadable store is an empty list (and a warning). */
  async refresh(activeId: string | null): Promise<RunSummary[]> {
    let summaries: RunSummary[] = [];
    try {
      summaries = await this.summaries();
    } catch (err) {
      this.log.warn(`Could not list analyses: ${errorMessage(err)}`);
    }
    this.list = queueEntries(summaries, activeId);
    this.isLoaded = true;
    return summaries;
  }

  /** The active run's current state replaces its entry. */
  upsert(state: Readonly<WorkflowState>): void {
    this.list = withRun(this.list, state);
  }
}
