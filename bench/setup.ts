/**
 * What every benchmark scenario shares: the latency model, the problem and its ~30,000-token
 * context documents, the fake API answers (the demo answers, with analyst bodies lengthened to a
 * realistic size), a reviewer that answers every gate at once, timed wrappers around the model
 * and search ports, and the wiring of the real orchestrator to them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OrchestratorDeps } from '../src/core/api';
import type { PromptLibrary } from '../src/core/library';
import type {
  ClarificationAnswer,
  ClarificationQuestion,
  FailureDecision,
  LanguageModel,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  OutlineDecision,
  ProposalDecision,
  ProposalView,
  Reviewer,
  SearchOptions,
  SearchResult,
  SourceChoice,
  StateStore,
  WebSearch,
  WorkflowEvent,
} from '../src/core/ports';
import type { OrchestratorSettings } from '../src/core/settings';
import type { StepName } from '../src/core/state';
import { demoResponder } from '../test/helpers/fakeRun';
import { MemoryWorkspace } from '../test/helpers/core';
import type { AnthropicResponder, LatencyModel } from '../test/fakes/anthropicServer';
import type { ExaLatency } from '../test/fakes/exaServer';
import type { Interval } from './metrics';

/** Wall-clock time in milliseconds, comparable with `Date.now()` but finer. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const SEED = 20261122;
export const MODEL_LATENCY: Required<LatencyModel> = { ttftMs: 400, tokensPerSecond: 100, jitter: 0.15, seed: SEED };
export const SEARCH_LATENCY: Required<ExaLatency> = { ms: 500, jitter: 0.15, seed: SEED };
/** Output tokens of one analyst answer (the demo answer is padded up to this size). */
export const ANALYST_OUTPUT_TOKENS = 800;
/** Tokens of context documents in the shared prefix. */
export const CONTEXT_TOKENS = 30_000;

export const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
export const SIX_ANALYSTS = ['market', 'competition', 'financial', 'risk', 'regulatory', 'operations'];
export const CONTEXT_FILES = ['market-report.md', 'customer-interviews.md', 'competitor-notes.md'];

const TOPICS = [
  'demand from machine builders in Bavaria and Baden-Württemberg',
  'pricing pressure from Asian sensor makers',
  'certification under the Machinery Regulation',
  'distributor margins and service expectations',
  'lead times for MEMS components',
  'the installed base of legacy fieldbus systems',
  'energy-efficiency retrofits in mid-sized plants',
  'procurement cycles of automotive suppliers',
  'after-sales calibration services',
  'the shift to IO-Link and condition monitoring',
];

/**
 * A deterministic document of `chars` characters that reads like client material (varied
 * sentences, so that nothing about it is trivially compressible or repetitive in structure).
 */
export function contextDocument(title: string, chars: number, salt: number): string {
  const lines = [`# ${title}`, ''];
  let n = 0;
  let size = lines.join('\n').length;
  while (size < chars) {
    const topic = TOPICS[(n * 7 + salt) % TOPICS.length];
    const figure = ((n * 37 + salt * 11) % 90) + 10;
    const year = 2021 + ((n + salt) % 5);
    const sentence =
      n % 12 === 0
        ? `\n### Section ${n / 12 + 1}: ${topic}\n\n`
        : `In ${year}, interviews on ${topic} put the relevant share at about ${figure}% (note ${salt}.${n}); ` +
          `the team flagged this as an estimate to be checked against a second source. `;
    lines.push(sentence);
    size += sentence.length + 1;
    n++;
  }
  return lines.join('\n').slice(0, chars);
}

/** The three context documents, together about CONTEXT_TOKENS tokens (four characters each). */
export function contextDocuments(): Map<string, string> {
  const per = Math.floor((CONTEXT_TOKENS * 4) / CONTEXT_FILES.length);
  return new Map(CONTEXT_FILES.map((file, i) => [file, contextDocument(file.replace(/\.md$/, ''), per, i + 1)]));
}

/** A paragraph of analysis text for padding (deterministic, different for each analyst). */
function paddingParagraph(id: string, n: number): string {
  const topic = TOPICS[(n + id.length) % TOPICS.length];
  return (
    `From the ${id} perspective, point ${n + 1} concerns ${topic}. The evidence in the context documents ` +
    `is suggestive rather than conclusive: the estimates come from interviews and should be triangulated ` +
    `before the decision. The implication for the entry plan is to test this assumption early and cheaply.`
  );
}

/**
 * The fake API's answers: the demo answer for each task, with the analyst bodies lengthened to
 * at least ANALYST_OUTPUT_TOKENS tokens (the worked example's analysts are about that long; an
 * analyst the example does not have answers in a few sentences). The frontmatter is untouched, so every gate still passes.
 */
export const benchResponder: AnthropicResponder = async (input) => {
  const base = await demoResponder(input);
  const text = typeof base === 'string' ? base : (base.text ?? base.blocks.map((b) => b.text).join(''));
  if (input.task?.step !== 'analysts') return base;
  const id = input.task.label.replace(/^analyst:/, '');
  const target = ANALYST_OUTPUT_TOKENS * 4;
  // The worked example's analysts are already about that long: they are never cut.
  if (text.length >= target) return base;
  const paragraphs: string[] = [];
  let size = text.length;
  for (let n = 0; size < target; n++) {
    const p = paddingParagraph(id, n);
    paragraphs.push(p);
    size += p.length + 2;
  }
  const padded = `${text.trimEnd()}\n\n${paragraphs.join('\n\n')}`.slice(0, target).trimEnd();
  // A cited answer keeps its blocks (and citations); the padding follows as one more block.
  if (typeof base !== 'string' && base.blocks) {
    const padding = `${padded.slice(text.trimEnd().length)}\n`;
    return { blocks: [...base.blocks.map((b) => ({ ...b })), { text: padding }], stopReason: base.stopReason };
  }
  return `${padded}\n`;
};

/**
 * A person who answers every gate at once: the three context documents and web search, the
 * clarifications, six analysts (and `template`, when given) in the proposal, the outline as drafted.
 * `holdAtApproval` makes the proposal gate wait forever instead of approving (after the change
 * to six analysts), calling it once: the benchmark uses it to stop a run just before the analysts.
 */
export class InstantReviewer implements Reviewer {
  constructor(
    private readonly holdAtApproval?: () => void,
    /** The template to ask for in the proposal (the proposed one when absent). */
    private readonly template?: string,
  ) {}

  chooseSources(): Promise<SourceChoice> {
    return Promise.resolve({ kind: 'choose', contextFiles: [...CONTEXT_FILES], webSearch: true });
  }
  answerClarifications(questions: ClarificationQuestion[]): Promise<ClarificationAnswer> {
    const answers: Record<string, string> = {};
    for (const q of questions) answers[q.id] = 'Whether to enter, within twelve months, with a budget of EUR 2 million.';
    return Promise.resolve({ kind: 'answer', answers });
  }
  reviewProposal(view: ProposalView): Promise<ProposalDecision> {
    const current = view.proposal.analysts;
    const otherTemplate = this.template !== undefined && view.proposal.template !== this.template;
    if (current.length !== SIX_ANALYSTS.length || SIX_ANALYSTS.some((id) => !current.includes(id)) || otherTemplate) {
      return Promise.resolve({
        kind: 'modify',
        changes: { analysts: [...SIX_ANALYSTS], webSearch: true, ...(this.template ? { template: this.template } : {}) },
      });
    }
    if (this.holdAtApproval) {
      this.holdAtApproval();
      return new Promise(() => {});
    }
    return Promise.resolve({ kind: 'approve' });
  }
  /** When the outline was approved (the last time), for the time from approval to document. */
  outlineApprovedAt: number | null = null;
  reviewOutline(): Promise<OutlineDecision> {
    this.outlineApprovedAt = now();
    return Promise.resolve({ kind: 'approve' });
  }
  decideOnFailures(): Promise<FailureDecision> {
    return Promise.resolve({ kind: 'continue-partial' });
  }
}

/** One model or search call as the orchestrator saw it (from the call to its return). */
export interface TimedCall extends Interval {
  kind: 'model' | 'search';
  step: StepName | null;
  label: string;
  ok: boolean;
}

/** Tracks the running step from the orchestrator's events, with the time of each event. */
export class StepClock {
  current: StepName | null = null;
  readonly windows: Array<{ step: StepName } & Interval> = [];
  readonly events: Array<{ at: number; event: WorkflowEvent }> = [];

  constructor(private readonly then?: (event: WorkflowEvent) => void) {}

  readonly onEvent = (event: WorkflowEvent): void => {
    const at = now();
    if (event.type !== 'text' && event.type !== 'state') this.events.push({ at, event });
    if (event.type === 'step-start') {
      this.current = event.step;
      this.windows.push({ step: event.step, start: at, end: Number.POSITIVE_INFINITY });
    } else if (event.type === 'step-end') {
      const w = [...this.windows].reverse().find((x) => x.step === event.step && x.end === Number.POSITIVE_INFINITY);
      if (w) w.end = at;
      this.current = null;
    }
    this.then?.(event);
  };
}

/**
 * Wraps the model port: records when each call started and returned, against the step running
 * when it started (a call a step starts ahead of time counts where it ran), or its own step
 * without a clock.
 */
export class TimedModel implements LanguageModel {
  readonly calls: TimedCall[] = [];
  /** Token counts asked for (free calls, timed apart: they are waits too). */
  readonly counts: TimedCall[] = [];
  constructor(
    private readonly inner: LanguageModel,
    private readonly clock?: StepClock,
  ) {}
  get demo(): boolean | undefined {
    return this.inner.demo;
  }
  get batches() {
    return this.inner.batches;
  }
  get countTokens(): LanguageModel['countTokens'] {
    const inner = this.inner;
    if (!inner.countTokens) return undefined;
    return async (request, options) => {
      const call: TimedCall = { kind: 'model', step: this.clock?.current ?? 'propose', label: 'count-tokens', start: now(), end: 0, ok: false };
      try {
        const n = await inner.countTokens!(request, options);
        call.ok = true;
        return n;
      } finally {
        call.end = now();
        this.counts.push(call);
      }
    };
  }
  async complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    const step = this.clock ? this.clock.current : request.step;
    const call: TimedCall = { kind: 'model', step, label: request.label, start: now(), end: 0, ok: false };
    try {
      const response = await this.inner.complete(request, options);
      call.ok = true;
      return response;
    } finally {
      call.end = now();
      this.calls.push(call);
    }
  }
}

/** Wraps the search port: records each search against the step running when it was made. */
export class TimedSearch implements WebSearch {
  readonly calls: TimedCall[] = [];
  constructor(
    private readonly inner: WebSearch,
    private readonly clock: StepClock,
  ) {}
  get demo(): boolean | undefined {
    return this.inner.demo;
  }
  async search(query: string, options?: SearchOptions): Promise<{ results: SearchResult[]; costUsd?: number }> {
    const call: TimedCall = { kind: 'search', step: this.clock.current, label: query, start: now(), end: 0, ok: false };
    try {
      const out = await this.inner.search(query, options);
      call.ok = true;
      return out;
    } finally {
      call.end = now();
      this.calls.push(call);
    }
  }
  /** Page lookups (verifying sources named by analysts), timed like searches. */
  get contents(): WebSearch['contents'] {
    const inner = this.inner;
    if (!inner.contents) return undefined;
    return async (urls, options) => {
      const call: TimedCall = { kind: 'search', step: this.clock.current, label: `contents: ${urls.join(' ')}`, start: now(), end: 0, ok: false };
      try {
        const out = await inner.contents!(urls, options);
        call.ok = true;
        return out;
      } finally {
        call.end = now();
        this.calls.push(call);
      }
    };
  }
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** A workspace whose documents are written to disk (under `dir`), as in real use. */
export class DiskWorkspace extends MemoryWorkspace {
  constructor(private readonly dir: string) {
    super();
  }
  override async writeDocument(relativePath: string, markdown: string, kind: 'analyst' | 'final' | 'log'): Promise<string> {
    const file = path.join(this.dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, markdown);
    this.written.push({ path: relativePath, kind });
    return relativePath;
  }
}

/** The orchestrator's dependencies for a benchmark run: real clock, in-memory workspace. */
export function benchDeps(options: {
  model: LanguageModel;
  search: WebSearch | null;
  store: StateStore;
  library: PromptLibrary;
  reviewer?: Reviewer;
  workspace?: MemoryWorkspace;
  settings?: Partial<OrchestratorSettings>;
  onEvent?: (event: WorkflowEvent) => void;
}): OrchestratorDeps {
  const workspace = options.workspace ?? new MemoryWorkspace();
  for (const [file, text] of contextDocuments()) workspace.files.set(file, text);
  return {
    model: options.model,
    search: options.search,
    reviewer: options.reviewer ?? new InstantReviewer(),
    store: options.store,
    workspace,
    library: options.library,
    clock: { now: () => new Date() },
    log: silentLog,
    settings: options.settings,
    onEvent: options.onEvent,
  };
}
