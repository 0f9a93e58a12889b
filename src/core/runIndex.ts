/**
 * The index of runs: a small `summary.json` next to each run's `state.json`, so that the review
 * queue lists hundreds of runs without parsing any full state, and the queue's order.
 *
 * A summary is written after every save of its state (not flushed: it can always be rebuilt) and
 * records the byte size of the state it describes. A summary that is missing, unreadable, or
 * whose size no longer matches `state.json` (a crash between the two writes, a state written by
 * an older version) is rebuilt from the state.
 *
 * Owns: the summary's shape and file, and the queue order (what needs the person first). Must
 * not: decide anything about a run, or be trusted over the state it summarizes.
 */
import * as path from 'node:path';
import * as z from 'zod';
import type { RunSummary } from './ports';
import { Notice, RunStatus, StepName } from './state';

export const SUMMARY_FILE = 'summary.json';
const SUMMARY_VERSION = 1;

const SummarySchema = z.object({
  v: z.literal(SUMMARY_VERSION),
  stateBytes: z.number().int().nonnegative(),
  run: z.object({
    id: z.string(),
    title: z.string(),
    problem: z.string(),
    status: RunStatus,
    step: StepName,
    awaiting: z.string().nullable(),
    updatedAt: z.string(),
    costUsd: z.number(),
    budgetUsd: z.number().nullable().optional(),
    error: z.string().optional(),
    unpricedModels: z.array(z.string()).optional(),
    overnight: z.string().optional(),
    notices: z.array(Notice).optional(),
  }),
});

/** The few file operations the index needs (a subset of the state store's). */
export interface IndexFileSystem {
  readFile(file: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  writeFile?(file: string, text: string): Promise<void>;
  writeFileDurably(file: string, text: string): Promise<void>;
  stat?(file: string): Promise<{ size: number; mtimeMs: number }>;
}

/** The problem text kept in a summary: enough for a list and a tooltip. */
const PROBLEM_CHARS = 400;

export function summaryText(run: RunSummary, stateBytes: number): string {
  const short = { ...run, problem: run.problem.slice(0, PROBLEM_CHARS) };
  return `${JSON.stringify({ v: SUMMARY_VERSION, stateBytes, run: short })}\n`;
}

/** Writes the summary of a run just saved (replaced atomically; not flushed to the disk). */
export async function writeSummary(fs: IndexFileSystem, dir: string, run: RunSummary, stateBytes: number): Promise<void> {
  const file = path.join(dir, SUMMARY_FILE);
  const temp = `${file}.tmp`;
  const text = summaryText(run, stateBytes);
  if (fs.writeFile) await fs.writeFile(temp, text);
  else await fs.writeFileDurably(temp, text);
  await fs.rename(temp, file);
}

/** The summary of a run when it is present and describes the current state; else `null`. */
export async function readSummary(fs: IndexFileSystem, dir: string, stateFile: string): Promise<RunSummary | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, SUMMARY_FILE));
  } catch {
    return null;
  }
  let parsed;
  try {
    parsed = SummarySchema.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  if (fs.stat) {
    try {
      const st = await fs.stat(stateFile);
      if (st.size !== parsed.data.stateBytes) return null;
    } catch {
      return null;
    }
  }
  return parsed.data.run as RunSummary;
}

/**
 * Where a run stands in the review queue: what needs the person first (a gate is open, results
 * of an overnight batch are in), then failed runs (to resume), runs at work, overnight runs
 * waiting for their batch, stopped runs, and finished ones.
 */
export function queueGroup(run: Pick<RunSummary, 'status' | 'overnight'>): number {
  if (run.status === 'awaiting') return 0;
  if (run.overnight === 'results-ready') return 0;
  if (run.status === 'failed') return 1;
  if (run.overnight === 'submitted' || run.overnight === 'in-progress') return 3;
  if (run.status === 'running') return 2;
  if (run.status === 'cancelled') return 4;
  return 5;
}

/** The queue order: by group, then the most recently updated first. */
export function queueOrder<T extends Pick<RunSummary, 'status' | 'overnight' | 'updatedAt' | 'id'>>(runs: T[]): T[] {
  return [...runs].sort((a, b) => {
    const g = queueGroup(a) - queueGroup(b);
    if (g !== 0) return g;
    if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
    return b.id.localeCompare(a.id);
  });
}
