/**
 * The benchmark's scenarios, each a real orchestrator run with the real SDKs against the fake
 * APIs and their latency model: a full run (critical path, step overhead), the analyst step in
 * isolation (prompt caching on and off, parallel and one at a time) and a run killed in its
 * analyst step and resumed (in a child process, killed with SIGKILL).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PRICES, inputCost, runCost } from '../src/core/cost';
import type { PromptLibrary } from '../src/core/library';
import { Orchestrator } from '../src/core/orchestrator';
import type { StateStore, WorkflowEvent } from '../src/core/ports';
import type { OrchestratorSettings } from '../src/core/settings';
import type { StepName, WorkflowState } from '../src/core/state';
import { FileStateStore } from '../src/core/stateStore';
import { nodeFileSystem, type StoreFileSystem } from '../src/core/storeFiles';
import { measureEvidence, type EvidenceFigures } from './evidence';
import type { FakeHost, ModelRequestTiming, Scenario } from './fakeHost';
import { busyMs, criticalPathMs, median, stepAt, type Interval } from './metrics';
import type { ChildConfig } from './resumeChild';
import { REALISTIC_TEMPLATE } from './realistic';
import { benchDeps, DiskWorkspace, InstantReviewer, now, PROBLEM, SIX_ANALYSTS, StepClock, TimedModel, TimedSearch } from './setup';

export type Fakes = FakeHost;

const createdDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  createdDirs.push(dir);
  return dir;
}

/** Removes the state folders the scenarios created. */
export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function resetFakes(fakes: Fakes): Promise<void> {
  return fakes.reset();
}

/**
 * The store's file operations, timed: durable writes and directory flushes (the fsyncs) apart
 * from the other operations (read the previous state, rename, mkdir).
 */
class TimedFileSystem implements StoreFileSystem {
  durableMs = 0;
  otherMs = 0;
  private timed<T>(kind: 'durableMs' | 'otherMs', op: () => Promise<T>): Promise<T> {
    const started = now();
    return op().finally(() => (this[kind] += now() - started));
  }
  mkdir = (dir: string) => this.timed('otherMs', () => nodeFileSystem.mkdir(dir));
  readFile = (file: string) => this.timed('otherMs', () => nodeFileSystem.readFile(file));
  readdir = (dir: string) => this.timed('otherMs', () => nodeFileSystem.readdir(dir));
  rename = (from: string, to: string) => this.timed('otherMs', () => nodeFileSystem.rename(from, to));
  unlink = (file: string) => this.timed('otherMs', () => nodeFileSystem.unlink(file));
  appendFile = (file: string, text: string) => this.timed('otherMs', () => nodeFileSystem.appendFile(file, text));
  writeFileDurably = (file: string, text: string) => this.timed('durableMs', () => nodeFileSystem.writeFileDurably(file, text));
  syncDirectory = (dir: string) => this.timed('durableMs', () => nodeFileSystem.syncDirectory(dir));
}

/** Wraps the store: records how long each save took, by the step running at the time. */
class TimedStore implements StateStore {
  readonly saves: Array<{ step: StepName | null } & Interval> = [];
  /** Time spent in save() before it returned its promise: validation, secret scan, JSON. */
  syncMs = 0;
  constructor(
    private readonly inner: StateStore,
    private readonly clock: StepClock,
  ) {}
  async save(state: WorkflowState): Promise<void> {
    const entry = { step: this.clock.current, start: now(), end: 0 };
    try {
      const saving = this.inner.save(state);
      this.syncMs += now() - entry.start;
      await saving;
    } finally {
      entry.end = now();
      this.saves.push(entry);
    }
  }
  load(id: string) {
    return this.inner.load(id);
  }
  list() {
    return this.inner.list();
  }
  appendRunLog(id: string, markdown: string) {
    return this.inner.appendRunLog(id, markdown);
  }
  readRunLog(id: string) {
    return this.inner.readRunLog(id);
  }
}

export function serverInterval(r: { receivedAt: number; finishedAt?: number; firstTokenAt?: number }): Interval | null {
  if (r.finishedAt === undefined) return null;
  return { start: r.receivedAt, end: r.finishedAt, ...(r.firstTokenAt !== undefined ? { firstAt: r.firstTokenAt } : {}) };
}

export interface StepRow {
  step: StepName;
  /** From `step-start` to `step-end`. */
  wallMs: number;
  /** Model and search latency on the step's critical path, from the fake servers' records. */
  latencyMs: number;
  /** Time the orchestrator waited on the model and search ports (union of the calls). */
  waitMs: number;
  /** wallMs - waitMs: the orchestrator's own time. */
  overheadMs: number;
  /** Time spent in state saves during the step. */
  saveMs: number;
  /** The overhead left when the saves made while no call was under way are taken out. */
  overheadExSavesMs: number;
  saves: number;
  modelCalls: number;
  searches: number;
}

export interface FullRunResult {
  scenario: Scenario;
  template: string;
  wallMs: number;
  steps: StepRow[];
  latencySumMs: number;
  /** The same, without the leaders' head start (every call in an overlap group as the slowest alone). */
  latencySumNoHeadStartMs: number;
  /** Time outside every step: before the first step-start and after the last step-end. */
  outsideStepsMs: number;
  /** Client wait minus server latency, summed over steps: SDK and HTTP time around the calls. */
  clientOverServerMs: number;
  modelCalls: number;
  searches: number;
  totalCostUsd: number;
  /** Billed input cost of the analyst step in this run (the proposal already warmed the prefix). */
  analystInputCostUsd: number;
  analystCacheReadTokens: number;
  analystCacheWriteTokens: number;
  /** Whether the analyst step's first request already found the prefix in the cache. */
  analystPrefixWarm: boolean;
  proposalCacheWriteTokens: number;
  proposalInputCostUsd: number;
  medianStepOverheadMs: number | null;
  medianStepOverheadExSavesMs: number | null;
  saves: { count: number; totalMs: number; syncMs: number; durableWriteMs: number; otherFsMs: number; stateBytes: number };
  /**
   * From a model call returning to the end of the save that records it (the first save
   * started after it): how long a finished, paid answer exists only in memory.
   */
  answerToDiskMs: { median: number | null; max: number | null };
  /** Cost of the analyst step's calls (input and output). */
  analystCostUsd: number;
  /** The run's final state (for the cost figures and the run list). */
  finalState: WorkflowState;
  /** From the person's approval of the outline to the final document written to disk. */
  afterOutlineMs: number | null;
  /** Tokens of the final document as the reader gets it (without the frontmatter), at four characters each. */
  documentTokens: number;
  /** The saved run, for scenarios that start from it. */
  dir: string;
  id: string;
  /** The final document's evidence, measured from the document as written. */
  evidence: EvidenceFigures;
  /** Page lookups made to verify sources named by analysts. */
  pageLookups: number;
}

/**
 * A whole run, start to done, the reviewer answering at once. `short`: the demo answers with
 * lengthened analysts, the template the parse step picks; `realistic`: the answers at the
 * lengths their prompts ask for, with the full-report template.
 */
export async function fullRun(fakes: Fakes, library: PromptLibrary, scenario: Scenario = 'short'): Promise<FullRunResult> {
  await resetFakes(fakes);
  await fakes.scenario(scenario);
  try {
    return await measuredFullRun(fakes, library, scenario);
  } finally {
    await fakes.scenario('short');
  }
}

async function measuredFullRun(fakes: Fakes, library: PromptLibrary, scenario: Scenario): Promise<FullRunResult> {
  const clock = new StepClock();
  const model = new TimedModel(fakes.model, clock);
  const search = new TimedSearch(fakes.search, clock);
  const fs = new TimedFileSystem();
  const dir = tempDir('sa-bench-full-');
  const store = new TimedStore(new FileStateStore(dir, { fs }), clock);
  const reviewer = new InstantReviewer(undefined, scenario === 'realistic' ? REALISTIC_TEMPLATE : undefined);
  const workspace = new DiskWorkspace(tempDir('sa-bench-docs-'));
  const marks: { finalAt: number | null } = { finalAt: null };
  const onEvent = (event: WorkflowEvent) => {
    clock.onEvent(event);
    if (event.type === 'document' && event.kind === 'final') marks.finalAt = now();
  };
  const deps = benchDeps({ model, search, store, library, reviewer, workspace, onEvent });
  const started = now();
  const outcome = await new Orchestrator(deps).start(PROBLEM);
  const ended = now();
  const s = outcome.state;
  if (s.status !== 'done') throw new Error(`The full run did not finish: ${s.status} ${outcome.error?.message ?? ''}`);

  const timings = await fakes.timings();
  const windows = clock.windows.filter((w) => Number.isFinite(w.end));
  // Requests count in the step that was running when they arrived (a step may start a call of
  // the next one ahead of time).
  const allServer = [...timings.anthropic, ...timings.exa];
  const steps: StepRow[] = windows.map((w) => {
    const server = allServer
      .filter((r) => stepAt(r.receivedAt, windows) === w.step)
      .map(serverInterval)
      .filter((i): i is Interval => i !== null);
    const client = [...model.calls, ...model.counts, ...search.calls].filter((c) => c.step === w.step);
    const saves = store.saves.filter((x) => x.step === w.step);
    const wallMs = w.end - w.start;
    const waitMs = busyMs(client);
    return {
      step: w.step,
      wallMs,
      latencyMs: criticalPathMs(server),
      waitMs,
      overheadMs: wallMs - waitMs,
      overheadExSavesMs: wallMs - busyMs([...client, ...saves]),
      saveMs: saves.reduce((n, x) => n + (x.end - x.start), 0),
      saves: saves.length,
      modelCalls: model.calls.filter((c) => c.step === w.step).length,
      searches: search.calls.filter((c) => c.step === w.step).length,
    };
  });
  // The run's critical path over all its calls: calls that overlapped, whatever their step,
  // count as the slowest of them.
  const runIntervals = allServer.map(serverInterval).filter((i): i is Interval => i !== null);
  const latencySumMs = criticalPathMs(runIntervals);
  const latencySumNoHeadStartMs = criticalPathMs(runIntervals.map(({ start, end }) => ({ start, end })));
  const markdown = s.finalDocument?.markdown ?? '';
  const reader = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const analystCalls = s.calls.filter((c) => c.step === 'analysts');
  const proposalCalls = s.calls.filter((c) => c.step === 'propose');
  // The document as written, against the context documents the run read.
  const evidence = measureEvidence(markdown, s, workspace.files);
  const firstAnalyst = timings.anthropic
    .filter((r) => r.task?.step === 'analysts')
    .sort((a, b) => a.receivedAt - b.receivedAt)[0];
  return {
    scenario,
    template: s.proposal?.template ?? '',
    dir,
    id: s.id,
    afterOutlineMs: reviewer.outlineApprovedAt !== null && marks.finalAt !== null ? marks.finalAt - reviewer.outlineApprovedAt : null,
    documentTokens: Math.ceil(reader.length / 4),
    wallMs: ended - started,
    steps,
    latencySumMs,
    latencySumNoHeadStartMs,
    outsideStepsMs: windows.length ? windows[0].start - started + (ended - windows[windows.length - 1].end) : ended - started,
    clientOverServerMs: steps.reduce((n, r) => n + (r.waitMs - r.latencyMs), 0),
    modelCalls: model.calls.length,
    searches: search.calls.length,
    totalCostUsd: runCost(s),
    analystCostUsd: analystCalls.reduce((n, c) => n + c.costUsd, 0),
    finalState: s,
    analystInputCostUsd: analystCalls.reduce((n, c) => n + inputCost(DEFAULT_PRICES, c.model, c.usage), 0),
    analystCacheReadTokens: analystCalls.reduce((n, c) => n + c.usage.cacheReadInputTokens, 0),
    analystCacheWriteTokens: analystCalls.reduce((n, c) => n + c.usage.cacheCreationInputTokens, 0),
    analystPrefixWarm: (firstAnalyst?.cache?.readTokens ?? 0) > 0,
    proposalCacheWriteTokens: proposalCalls.reduce((n, c) => n + c.usage.cacheCreationInputTokens, 0),
    proposalInputCostUsd: proposalCalls.reduce((n, c) => n + inputCost(DEFAULT_PRICES, c.model, c.usage), 0),
    evidence,
    pageLookups: s.pageLookups.length,
    medianStepOverheadMs: median(steps.map((r) => r.overheadMs)),
    medianStepOverheadExSavesMs: median(steps.map((r) => r.overheadExSavesMs)),
    answerToDiskMs: (() => {
      const lags = model.calls
        .filter((c) => c.ok)
        .map((c) => store.saves.filter((x) => x.start >= c.end).sort((a, b) => a.start - b.start)[0])
        .map((x, i) => (x ? x.end - model.calls.filter((c) => c.ok)[i].end : null))
        .filter((v): v is number => v !== null);
      return { median: median(lags), max: lags.length ? Math.max(...lags) : null };
    })(),
    saves: {
      count: store.saves.length,
      totalMs: store.saves.reduce((n, x) => n + (x.end - x.start), 0),
      syncMs: store.syncMs,
      durableWriteMs: fs.durableMs,
      otherFsMs: fs.otherMs,
      stateBytes: Buffer.byteLength(JSON.stringify(s, null, 2)),
    },
  };
}

export interface PreparedRun {
  dir: string;
  id: string;
}

/**
 * A run stopped at the proposal gate, six analysts chosen, saved on disk: the starting point
 * of every isolated analyst-step measurement (each one resumes a copy of it).
 */
export async function prepareAtProposal(fakes: Fakes, library: PromptLibrary): Promise<PreparedRun> {
  await resetFakes(fakes);
  const dir = tempDir('sa-bench-prep-');
  const controller = new AbortController();
  const deps = benchDeps({
    model: fakes.model,
    search: fakes.search,
    store: new FileStateStore(dir),
    library,
    reviewer: new InstantReviewer(() => controller.abort()),
  });
  const outcome = await new Orchestrator(deps).start(PROBLEM, { signal: controller.signal });
  const s = outcome.state;
  if (s.status !== 'cancelled' || s.step !== 'propose' || s.proposal?.analysts.length !== SIX_ANALYSTS.length) {
    throw new Error(`The run could not be stopped at the proposal gate: ${s.status} at ${s.step}`);
  }
  return { dir, id: s.id };
}

export interface AnalystStepResult {
  settings: Pick<OrchestratorSettings, 'promptCaching' | 'maxParallelAnalysts'>;
  wallMs: number;
  calls: number;
  inputCostUsd: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Time to first token of the first analyst request (the leader, when caching is on). */
  firstTtftMs: number | null;
  /** The step's model latency on its critical path (slowest of the parallel calls). */
  latencyMs: number;
  /** From step-start to the first request reaching the server. */
  headMs: number;
  /** From the first request's first token to the last request reaching the server. */
  followersStartMs: number | null;
  /** From the last answer finishing at the server to step-end (saves, validation, documents). */
  tailMs: number;
}

/**
 * The analyst step alone, resumed from the prepared run with an empty prompt cache and a fresh
 * process state (nothing known to be warm), stopped as soon as the step ends.
 */
export async function isolatedAnalystStep(
  fakes: Fakes,
  library: PromptLibrary,
  prepared: PreparedRun,
  settings: AnalystStepResult['settings'],
): Promise<AnalystStepResult> {
  await resetFakes(fakes);
  const dir = tempDir('sa-bench-analysts-');
  cpSync(prepared.dir, dir, { recursive: true });
  const controller = new AbortController();
  const clock = new StepClock((event) => {
    if (event.type === 'step-end' && event.step === 'analysts') controller.abort();
  });
  const deps = benchDeps({ model: fakes.model, search: fakes.search, store: new FileStateStore(dir), library, settings, onEvent: clock.onEvent });
  const outcome = await new Orchestrator(deps).resume(prepared.id, { signal: controller.signal });
  const s = outcome.state;
  const window = clock.windows.find((w) => w.step === 'analysts' && Number.isFinite(w.end));
  const done = Object.values(s.analysts).filter((a) => a.status === 'done').length;
  if (!window || done !== SIX_ANALYSTS.length) {
    throw new Error(`The analyst step did not complete (${done} analyst(s) done, ${s.status}): ${outcome.error?.message ?? ''}`);
  }
  const calls = s.calls.filter((c) => c.step === 'analysts');
  const requests: ModelRequestTiming[] = (await fakes.timings()).anthropic
    .filter((r) => r.task?.step === 'analysts')
    .sort((a, b) => a.receivedAt - b.receivedAt);
  const first = requests[0];
  return {
    settings,
    wallMs: window.end - window.start,
    calls: calls.length,
    inputCostUsd: calls.reduce((n, c) => n + inputCost(DEFAULT_PRICES, c.model, c.usage), 0),
    inputTokens: calls.reduce((n, c) => n + c.usage.inputTokens, 0),
    cacheReadTokens: calls.reduce((n, c) => n + c.usage.cacheReadInputTokens, 0),
    cacheWriteTokens: calls.reduce((n, c) => n + c.usage.cacheCreationInputTokens, 0),
    firstTtftMs: first?.firstTokenAt !== undefined ? first.firstTokenAt - first.receivedAt : null,
    latencyMs: criticalPathMs(requests.map(serverInterval).filter((i): i is Interval => i !== null)),
    headMs: first ? first.receivedAt - window.start : 0,
    followersStartMs: first?.firstTokenAt !== undefined ? Math.max(...requests.map((r) => r.receivedAt)) - first.firstTokenAt : null,
    tailMs: window.end - Math.max(...requests.map((r) => r.finishedAt ?? 0)),
  };
}

export interface ResumeResult {
  /** Model requests the killed process had sent. */
  sentAtKill: number;
  /** Of those, the calls whose answers were on disk (in the saved state) at the kill. */
  savedAtKill: number;
  /** Calls started whose answers had not reached the disk: the ones a resume may make again. */
  inFlightAtKill: number;
  /** Of those, the ones whose response was still streaming at the fake server at the kill. */
  respondingAtKill: number;
  /** Requests after the resume for a task already requested before the kill. */
  rebilledCalls: number;
  /** Requests after the resume, in all. */
  callsAfterResume: number;
  analystsDoneAtKill: number;
  killedAfterMs: number;
  /** Whether the resumed run finished its analyst step with all six analysts done. */
  analystStepCompleted: boolean;
}

/** Analyst answers finished at the fake server before the child is killed. */
const KILL_AFTER_FINISHED = 2;

function taskKey(r: ModelRequestTiming): string {
  return r.task ? `${r.task.step}/${r.task.label}` : '(untagged)';
}

/**
 * The prepared run resumed in a child process, killed with SIGKILL once KILL_AFTER_FINISHED
 * analyst answers have finished at the fake server (the others still under way), then resumed
 * here from what reached the disk until its analyst step ends.
 */
export async function killAndResume(fakes: Fakes, library: PromptLibrary, prepared: PreparedRun): Promise<ResumeResult> {
  await resetFakes(fakes);
  const dir = tempDir('sa-bench-kill-');
  cpSync(prepared.dir, dir, { recursive: true });
  const config: ChildConfig = {
    runId: prepared.id,
    anthropicUrl: fakes.anthropic.url,
    anthropicKey: fakes.anthropic.apiKey,
    exaUrl: fakes.exa.url,
    exaKey: fakes.exa.apiKey,
    storeDir: dir,
  };
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(__dirname, 'resumeChild.js'), JSON.stringify(config)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => ((exitCode = code), resolve())));

  const analystsFinished = async () =>
    (await fakes.timings()).anthropic.filter((r) => r.task?.step === 'analysts' && r.outcome === 'ok').length;
  const deadline = Date.now() + 120_000;
  while ((await analystsFinished()) < KILL_AFTER_FINISHED) {
    if (exitCode !== undefined) throw new Error(`The run ended before the kill (exit ${exitCode}): ${stderr.slice(-500)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('The run did not reach its analyst step in time.');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGKILL');
  const killedAfterMs = Date.now() - started;
  await exited;
  // Give the fake server a moment to see the connections close.
  await new Promise((r) => setTimeout(r, 100));
  // Everything the child sent reached the server before it died; the requests it was still
  // waiting on are the ones whose connection the kill closed.
  const snapshot = (await fakes.timings()).anthropic.map((r) => ({ key: taskKey(r), outcome: r.outcome }));

  const store = new FileStateStore(dir);
  const [summary] = await store.list();
  if (!summary) throw new Error('Nothing reached the disk before the kill.');
  const saved = (await store.load(summary.id)).state;
  // Calls of the prepared run (before the proposal gate) were already in the state it started from.
  const preparedCalls = (await new FileStateStore(prepared.dir).load(prepared.id)).state.calls.length;
  const savedByChild = saved.calls.length - preparedCalls;
  const before = snapshot.length;

  const controller = new AbortController();
  const onEvent = (event: WorkflowEvent) => {
    if (event.type === 'step-end' && event.step === 'analysts') controller.abort();
  };
  const outcome = await new Orchestrator(benchDeps({ model: fakes.model, search: fakes.search, store, library, onEvent })).resume(summary.id, {
    signal: controller.signal,
  });
  const after = (await fakes.timings()).anthropic.slice(before);
  const sentBefore = new Map<string, number>();
  for (const r of snapshot) sentBefore.set(r.key, (sentBefore.get(r.key) ?? 0) + 1);
  let rebilled = 0;
  for (const r of after) {
    const k = taskKey(r);
    const left = sentBefore.get(k) ?? 0;
    if (left > 0) {
      rebilled++;
      sentBefore.set(k, left - 1);
    }
  }
  return {
    sentAtKill: snapshot.length,
    savedAtKill: savedByChild,
    inFlightAtKill: snapshot.length - savedByChild,
    respondingAtKill: snapshot.filter((r) => r.outcome === 'client-closed' || r.outcome === 'pending').length,
    rebilledCalls: rebilled,
    callsAfterResume: after.length,
    analystsDoneAtKill: Object.values(saved.analysts).filter((a) => a.status === 'done').length,
    killedAfterMs,
    analystStepCompleted:
      outcome.state.step !== 'analysts' && Object.values(outcome.state.analysts).filter((a) => a.status === 'done').length === SIX_ANALYSTS.length,
  };
}
