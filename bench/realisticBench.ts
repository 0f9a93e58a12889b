/**
 * The benchmark's figures at realistic lengths (realistic.ts): a full run whose answers have
 * the lengths their prompts ask for, with the full-report template, its step table, and the
 * figures taken from it — the run's wall-clock and critical-path ratio, the time from the
 * outline's approval to the final document on disk, and the report tokens per second, next to
 * a peer's shape under the same latency model.
 *
 * Owns: this scenario's measurements, targets and printout. Must not: change the short
 * scenario's figures (bench.ts keeps them comparable with earlier runs).
 */
import type { PromptLibrary } from '../src/core/library';
import { ratio, round, verdict, type Target, type Verdict } from './metrics';
import { ANALYST_TOKENS, OUTLINE_BULLET_WORDS } from './realistic';
import { fullRun, type Fakes, type FullRunResult } from './scenarios';
import { table } from './table';

/**
 * The peer's shape under this latency model: a popular open-source research-report tool writes
 * a ~2,650-token report in about 31 s end to end, with three model calls in sequence.
 */
export const PEER = { reportTokens: 2650, seconds: 31 };

export const REALISTIC_TARGETS: Record<string, Target> = {
  criticalPathRatio: { op: '<=', limit: 1.03 },
  reportTokensPerSecond: { op: '>=', limit: round(PEER.reportTokens / PEER.seconds, 1)! },
};

export interface RealisticMeasurement {
  full: FullRunResult;
  figures: Record<string, number | null>;
  targets: Record<string, { target: string; result: Verdict }>;
}

const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));

export async function measureRealistic(fakes: Fakes, library: PromptLibrary, phase: (name: string) => void): Promise<RealisticMeasurement> {
  phase('full run at realistic lengths');
  const full = await fullRun(fakes, library, 'realistic');
  const figures: Record<string, number | null> = {
    fullRunMs: round(full.wallMs, 1),
    criticalPathRatio: round(ratio(full.wallMs, full.latencySumMs)),
    machineMsAfterOutline: round(full.afterOutlineMs, 1),
    reportTokensPerSecond: round(ratio(full.documentTokens, full.wallMs / 1000), 1),
  };
  const targets: RealisticMeasurement['targets'] = {};
  for (const [name, t] of Object.entries(REALISTIC_TARGETS)) targets[name] = { target: `${t.op} ${t.limit}`, result: verdict(figures[name], t) };
  return { full, figures, targets };
}

export function printRealistic(m: RealisticMeasurement, log: (line?: string) => void): void {
  const f = m.full;
  log(
    `Full run at realistic lengths (template ${f.template}; analysts ~${ANALYST_TOKENS} tokens, integration and outline at the ` +
      `lengths their prompts ask for, ${OUTLINE_BULLET_WORDS}-word outline points, the document at the template's words): ` +
      `${ms(f.wallMs)} ms wall-clock, ${f.modelCalls} model calls, ${f.searches} search(es), $${f.totalCostUsd.toFixed(4)}`,
  );
  log(
    table(
      f.steps.map((r) => [r.step, ms(r.wallMs), ms(r.latencyMs), ms(r.waitMs), ms(r.overheadMs), `${ms(r.saveMs)} (${r.saves})`, r.modelCalls, r.searches]),
      ['step', 'wall ms', 'latency ms', 'waited ms', 'overhead ms', 'saves ms (n)', 'calls', 'searches'],
    ),
  );
  log(`  critical-path latency ${ms(f.latencySumMs)} ms (calls that overlapped count once, as the slowest)`);
  log(
    `  final document ${f.documentTokens} tokens (four characters each, without the frontmatter); ` +
      `from the outline's approval to the document on disk ${ms(f.afterOutlineMs)} ms`,
  );
  log(
    `  report tokens per second ${m.figures.reportTokensPerSecond ?? 'n/a'}; the peer's shape: ${PEER.reportTokens} tokens in ${PEER.seconds} s ` +
      `= ${round(PEER.reportTokens / PEER.seconds, 1)} tokens/s, three calls in sequence and no analysts`,
  );
}

/** The scenario's figures for the JSON line (the step table included). */
export function realisticJson(m: RealisticMeasurement): Record<string, unknown> {
  const f = m.full;
  return {
    template: f.template,
    wallMs: round(f.wallMs, 1),
    latencySumMs: round(f.latencySumMs, 1),
    documentTokens: f.documentTokens,
    afterOutlineMs: round(f.afterOutlineMs, 1),
    calls: { model: f.modelCalls, search: f.searches },
    totalCostUsd: round(f.totalCostUsd, 5),
    peer: PEER,
    steps: f.steps.map((r) => ({
      step: r.step,
      wallMs: round(r.wallMs, 1),
      latencyMs: round(r.latencyMs, 1),
      waitMs: round(r.waitMs, 1),
      overheadMs: round(r.overheadMs, 1),
      calls: r.modelCalls,
      searches: r.searches,
    })),
  };
}
