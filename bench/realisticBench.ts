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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PromptLibrary } from '../src/core/library';
import { Orchestrator } from '../src/core/orchestrator';
import { FileStateStore } from '../src/core/stateStore';
import { criticalPathMs, ratio, round, verdict, type Interval, type Target, type Verdict } from './metrics';
import { ANALYST_TOKENS, OUTLINE_BULLET_WORDS } from './realistic';
import { fullRun, serverInterval, type Fakes, type FullRunResult } from './scenarios';
import { benchDeps, DiskWorkspace, StepClock } from './setup';
import { table } from './table';

/**
 * The peer's shape under this latency model: a popular open-source research-report tool writes
 * a ~2,650-token report in about 31 s end to end, with three model calls in sequence.
 */
export const PEER = { reportTokens: 2650, seconds: 31 };

export const REALISTIC_TARGETS: Record<string, Target> = {
  criticalPathRatio: { op: '<=', limit: 1.03 },
  fulltextSpeedup: { op: '>=', limit: 3 },
  reportTokensPerSecond: { op: '>=', limit: round(PEER.reportTokens / PEER.seconds, 1)! },
};

/** The full-text step alone, resumed from the realistic run just before it. */
export interface FulltextStepResult {
  sectionWriting: boolean;
  wallMs: number;
  calls: number;
  /** Model latency on the step's critical path (parallel calls count as the slowest). */
  latencyMs: number;
  /** Output tokens of the step's calls. */
  outputTokens: number;
  /** Words of the document body (same content length either way). */
  words: number;
}

export interface RealisticMeasurement {
  full: FullRunResult;
  fulltext: { oneCall: FulltextStepResult; bySections: FulltextStepResult };
  figures: Record<string, number | null>;
  targets: Record<string, { target: string; result: Verdict }>;
}

const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));

export async function measureRealistic(fakes: Fakes, library: PromptLibrary, phase: (name: string) => void): Promise<RealisticMeasurement> {
  phase('full run at realistic lengths');
  const full = await fullRun(fakes, library, 'realistic');
  phase('full-text step at realistic lengths, written as one call');
  const oneCall = await fulltextStep(fakes, library, full, false);
  phase('full-text step at realistic lengths, written by sections');
  const bySections = await fulltextStep(fakes, library, full, true);
  const figures: Record<string, number | null> = {
    fulltextSpeedup: round(ratio(oneCall.wallMs, bySections.wallMs), 2),
    fullRunMs: round(full.wallMs, 1),
    criticalPathRatio: round(ratio(full.wallMs, full.latencySumMs)),
    criticalPathRatioNoHeadStart: round(ratio(full.wallMs, full.latencySumNoHeadStartMs)),
    machineMsAfterOutline: round(full.afterOutlineMs, 1),
    reportTokensPerSecond: round(ratio(full.documentTokens, full.wallMs / 1000), 1),
  };
  const targets: RealisticMeasurement['targets'] = {};
  for (const [name, t] of Object.entries(REALISTIC_TARGETS)) targets[name] = { target: `${t.op} ${t.limit}`, result: verdict(figures[name], t) };
  return { full, fulltext: { oneCall, bySections }, figures, targets };
}

/**
 * The full-text step alone: the realistic run's saved state taken back to just before it (its
 * citation map done), resumed on an empty prompt cache with the document written as one call or
 * by sections, and stopped when the step ends.
 */
async function fulltextStep(fakes: Fakes, library: PromptLibrary, full: FullRunResult, sectionWriting: boolean): Promise<FulltextStepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sa-bench-fulltext-'));
  const docs = mkdtempSync(path.join(os.tmpdir(), 'sa-bench-fulltext-docs-'));
  try {
    const saved = (await new FileStateStore(full.dir).load(full.id)).state;
    saved.calls = saved.calls.filter((c) => c.step !== 'fulltext');
    saved.history = saved.history.filter((h) => h.step !== 'fulltext' && h.step !== 'done');
    saved.step = 'fulltext';
    saved.status = 'cancelled';
    saved.finalDocument = null;
    const store = new FileStateStore(dir);
    await store.save(saved);
    await fakes.reset();
    await fakes.scenario('realistic');
    const clock = new StepClock();
    const deps = benchDeps({ model: fakes.model, search: fakes.search, store, library, workspace: new DiskWorkspace(docs), settings: { sectionWriting }, onEvent: clock.onEvent });
    const outcome = await new Orchestrator(deps).resume(saved.id);
    const window = clock.windows.find((w) => w.step === 'fulltext' && Number.isFinite(w.end));
    if (outcome.state.status !== 'done' || !window) throw new Error(`The full-text step did not finish: ${outcome.state.status} ${outcome.error?.message ?? ''}`);
    const requests = (await fakes.timings()).anthropic.filter((r) => r.task?.step === 'fulltext');
    const calls = outcome.state.calls.filter((c) => c.step === 'fulltext');
    const body = outcome.state.finalDocument!.markdown.replace(/^---\n[\s\S]*?\n---\n/, '').split(/^## (?:Sources|Fonti)$/m)[0];
    return {
      sectionWriting,
      wallMs: window.end - window.start,
      calls: calls.length,
      latencyMs: criticalPathMs(requests.map(serverInterval).filter((i): i is Interval => i !== null)),
      outputTokens: calls.reduce((n, c) => n + c.usage.outputTokens, 0),
      words: body.split(/\s+/).filter(Boolean).length,
    };
  } finally {
    await fakes.scenario('short');
    rmSync(dir, { recursive: true, force: true });
    rmSync(docs, { recursive: true, force: true });
  }
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
  log(`  critical-path latency ${ms(f.latencySumMs)} ms (calls that overlapped count once, as the slowest; a call that waited for its step's leader to begin answering also counts the leader's head start)`);
  log(
    `  final document ${f.documentTokens} tokens (four characters each, without the frontmatter); ` +
      `from the outline's approval to the document on disk ${ms(f.afterOutlineMs)} ms`,
  );
  log(
    table(
      [m.fulltext.oneCall, m.fulltext.bySections].map((r) => [
        r.sectionWriting ? 'by sections, in parallel' : 'one call',
        ms(r.wallMs),
        ms(r.latencyMs),
        r.calls,
        r.outputTokens,
        r.words,
      ]),
      ['full-text step alone (empty cache)', 'wall ms', 'latency ms', 'calls', 'output tok', 'words'],
    ),
  );
  log(`  full-text speedup (one call ÷ by sections): ${m.figures.fulltextSpeedup ?? 'n/a'}`);
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
    fulltextStep: m.fulltext,
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
