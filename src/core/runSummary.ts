/**
 * What a run is called and how it is listed: its id, its title, and the summary the review queue
 * shows of it. Imported by the orchestrator and the UI without the state store's file system.
 *
 * Owns: the id format of a new run, the title of a run in lists, and the summary of a state.
 * Must not: read or write files (stateStore.ts and runIndex.ts do).
 */
import { runCost, unpricedModels } from './cost';
import type { RunSummary } from './ports';
import { slugify, type WorkflowState } from './state';

/** `YYYYMMDD-HHMMSS-<slug>` (UTC), a valid run id for `problem` started at `now`. */
export function defaultRunId(problem: string, now: Date): string {
  const iso = now.toISOString(); // 2026-11-22T03:06:28.123Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `${date}-${time}-${slugify(problem)}`;
}

/** What a run is called in lists: its title, or the first 80 characters of its problem. */
export function runTitle(state: Pick<WorkflowState, 'title' | 'problem'>): string {
  const title = state.title.trim();
  if (title) return title;
  return state.problem.replace(/\s+/g, ' ').trim().slice(0, 80).trimEnd();
}

export function summarizeRun(state: WorkflowState): RunSummary {
  return {
    id: state.id,
    title: runTitle(state),
    problem: state.problem,
    status: state.status,
    step: state.step,
    awaiting: state.awaiting,
    updatedAt: state.updatedAt,
    costUsd: runCost(state),
    ...(state.budgetUsd ? { budgetUsd: state.budgetUsd } : {}),
    ...(state.status === 'failed' && state.errors.length ? { error: state.errors[state.errors.length - 1].message.slice(0, 500) } : {}),
    ...(unpricedModels(state).length ? { unpricedModels: unpricedModels(state) } : {}),
    ...(state.overnight && state.overnight.status !== 'done' && state.status !== 'done'
      ? { overnight: state.overnight.status === 'submitting' ? 'submitted' : state.overnight.status }
      : {}),
    ...(state.notices.length ? { notices: state.notices } : {}),
  };
}
