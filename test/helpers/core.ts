/**
 * Test doubles for the workflow core: a small prompt library, a scripted reviewer, an
 * in-memory workspace, a counting model wrapper and a kill switch that simulates a process
 * dying (saves stop reaching the disk, calls never return).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OrchestratorDeps } from '../../src/core/api';
import type { PromptLibrary, StepPromptId, StepPromptVars } from '../../src/core/library';
import type {
  BudgetDecision,
  ClarificationAnswer,
  FailureDecision,
  LanguageModel,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  OutlineDecision,
  ProposalDecision,
  Reviewer,
  SourceChoice,
  StateStore,
  Workspace,
} from '../../src/core/ports';
import type { WorkflowState } from '../../src/core/state';
import { FileStateStore } from '../../src/core/stateStore';
import { DemoModel, DemoSearch } from '../../src/providers/demo';

export function fixtureLibrary(): PromptLibrary {
  return {
    synthesizers: [
      {
        id: 'market-entry',
        name: 'Market entry',
        description: 'Whether and how to enter a market.',
        whenToUse: 'Entering a new country or segment.',
        whenNotToUse: 'Internal reorganisations.',
        keywords: { en: ['market', 'entry', 'enter', 'expand'], it: ['mercato', 'entrare', 'espansione'] },
        defaultAnalysts: ['market', 'competition', 'financial'],
        templates: ['executive-brief', 'full-report'],
        method: 'Size the market, map competitors, test the economics.',
        origin: 'bundled',
      },
      {
        id: 'strategic-decision',
        name: 'Strategic decision',
        description: 'Choosing between options.',
        whenToUse: 'A choice between defined options.',
        whenNotToUse: 'Open exploration.',
        keywords: { en: ['decide', 'option', 'choose'], it: ['decidere', 'opzione', 'scegliere'] },
        defaultAnalysts: ['financial', 'risk'],
        templates: ['decision-memo'],
        method: 'Frame options, criteria, weights; recommend.',
        origin: 'bundled',
      },
      {
        id: 'risk-scenarios',
        name: 'Risk and scenarios',
        description: 'Uncertainty and scenarios.',
        whenToUse: 'High uncertainty.',
        whenNotToUse: 'Clear-cut choices.',
        keywords: { en: ['risk', 'scenario'], it: ['rischio', 'scenario'] },
        defaultAnalysts: ['risk'],
        templates: ['full-report'],
        method: 'Drivers, scenarios, signposts.',
        origin: 'bundled',
      },
    ],
    analysts: ['market', 'competition', 'financial', 'risk'].map((id) => ({
      id,
      name: `${id[0].toUpperCase()}${id.slice(1)} analyst`,
      description: `The ${id} view.`,
      focus: `${id} focus`,
      method: `${id} method`,
      requiredFields: id === 'market' ? ['market_size_estimates'] : [],
      origin: 'bundled',
    })),
    templates: [
      {
        id: 'executive-brief',
        name: 'Executive brief',
        description: 'A short brief.',
        sections: [
          { title: 'Situation', guidance: 'What is at stake.', words: 150 },
          { title: 'Findings', guidance: 'What we found.', words: 300 },
          { title: 'Recommendation', guidance: 'What to do.', words: 150 },
        ],
        targetWords: 800,
        guidance: '',
        origin: 'bundled',
      },
      {
        id: 'decision-memo',
        name: 'Decision memo',
        description: 'A memo.',
        sections: [
          { title: 'Decision', guidance: 'The ask.' },
          { title: 'Options', guidance: 'The options.' },
        ],
        targetWords: 600,
        guidance: '',
        origin: 'bundled',
      },
      {
        id: 'full-report',
        name: 'Full report',
        description: 'A long report.',
        sections: [{ title: 'Everything', guidance: 'All of it.' }],
        targetWords: 3000,
        guidance: '',
        origin: 'bundled',
      },
    ],
    render<K extends StepPromptId>(id: K, vars: StepPromptVars[K]): string {
      const parts = Object.entries(vars as Record<string, string>).map(([k, v]) => `### ${k}\n${v}`);
      return [`# Prompt ${id}`, ...parts].join('\n\n');
    },
    problems: [],
  };
}

type Script<T> = Array<T | ((state: Readonly<WorkflowState>) => T)>;

/** A reviewer that answers each gate from a script (the last answer repeats) and records calls. */
export class ScriptedReviewer implements Reviewer {
  readonly seen: Array<{ gate: string; payload: unknown }> = [];
  constructor(
    public script: {
      sources?: Script<SourceChoice>;
      clarify?: Script<ClarificationAnswer>;
      proposal?: Script<ProposalDecision>;
      outline?: Script<OutlineDecision>;
      failures?: Script<FailureDecision>;
      budget?: Script<BudgetDecision>;
    } = {},
  ) {}

  private next<T>(gate: string, list: Script<T> | undefined, fallback: T, state: Readonly<WorkflowState>, payload: unknown): Promise<T> {
    this.seen.push({ gate, payload });
    const count = this.seen.filter((s) => s.gate === gate).length;
    const item = list && list.length ? list[Math.min(count - 1, list.length - 1)] : fallback;
    return Promise.resolve(typeof item === 'function' ? (item as (s: Readonly<WorkflowState>) => T)(state) : item);
  }

  chooseSources(req: unknown, state: Readonly<WorkflowState>) {
    return this.next<SourceChoice>('sources', this.script.sources, { kind: 'choose', contextFiles: [], webSearch: true }, state, req);
  }
  answerClarifications(q: unknown, state: Readonly<WorkflowState>) {
    return this.next<ClarificationAnswer>('clarify', this.script.clarify, { kind: 'answer', answers: { q1: 'Whether to enter', q2: 'Within six months' } }, state, q);
  }
  reviewProposal(view: unknown, state: Readonly<WorkflowState>) {
    return this.next<ProposalDecision>('proposal', this.script.proposal, { kind: 'approve' }, state, view);
  }
  decideOnBudget(view: unknown, state: Readonly<WorkflowState>) {
    return this.next<BudgetDecision>('budget', this.script.budget, { kind: 'cancel' }, state, view);
  }
  reviewOutline(view: unknown, state: Readonly<WorkflowState>) {
    return this.next<OutlineDecision>('outline', this.script.outline, { kind: 'approve' }, state, view);
  }
  decideOnFailures(view: unknown, state: Readonly<WorkflowState>) {
    return this.next<FailureDecision>('failures', this.script.failures, { kind: 'continue-partial' }, state, view);
  }
}

export class MemoryWorkspace implements Workspace {
  readonly files = new Map<string, string>();
  readonly written: Array<{ path: string; kind: string }> = [];
  failWrites = false;
  async readText(p: string): Promise<string> {
    const text = this.files.get(p);
    if (text === undefined) throw new Error(`File not found: ${p}`);
    return text;
  }
  async writeDocument(relativePath: string, markdown: string, kind: 'analyst' | 'final' | 'log'): Promise<string> {
    if (this.failWrites) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    this.files.set(relativePath, markdown);
    this.written.push({ path: relativePath, kind });
    return relativePath;
  }
}

/** Wraps a model: counts calls by task label and lets a test rewrite answers. */
export class CountingModel implements LanguageModel {
  readonly calls: Array<{ step: string; label: string; key?: string }> = [];
  constructor(
    readonly inner: LanguageModel,
    public rewrite?: (req: ModelRequest, res: ModelResponse, nth: number) => ModelResponse | Promise<ModelResponse>,
    readonly onCall?: (req: ModelRequest, nth: number) => void | Promise<void>,
  ) {}
  get demo() {
    return this.inner.demo;
  }
  get batches() {
    return this.inner.batches;
  }
  /** Token counting of the wrapped model, when it has it (free calls: not counted). */
  get countTokens(): LanguageModel['countTokens'] {
    const inner = this.inner;
    return inner.countTokens ? (req, options) => inner.countTokens!(req, options) : undefined;
  }
  async complete(req: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    this.calls.push({ step: req.step, label: req.label });
    const nth = this.calls.length;
    await this.onCall?.(req, nth);
    const res = await this.inner.complete(req, options);
    return this.rewrite ? this.rewrite(req, res, nth) : res;
  }
}

export function tempDir(prefix = 'sa-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const fixedClock = (iso = '2026-11-22T10:00:00.000Z') => {
  let t = Date.parse(iso);
  return { now: () => new Date((t += 1000)) };
};

export interface Harness {
  deps: OrchestratorDeps;
  model: CountingModel;
  reviewer: ScriptedReviewer;
  workspace: MemoryWorkspace;
  store: StateStore;
  dir: string;
}

export function harness(overrides: Partial<OrchestratorDeps> & { model?: LanguageModel; reviewer?: ScriptedReviewer } = {}): Harness {
  const dir = tempDir();
  const model = overrides.model instanceof CountingModel ? overrides.model : new CountingModel(overrides.model ?? new DemoModel());
  const reviewer = overrides.reviewer ?? new ScriptedReviewer();
  const workspace = (overrides.workspace as MemoryWorkspace) ?? new MemoryWorkspace();
  const store = overrides.store ?? new FileStateStore(dir);
  const deps: OrchestratorDeps = {
    search: new DemoSearch(),
    library: fixtureLibrary(),
    clock: fixedClock(),
    ...overrides,
    model,
    reviewer,
    workspace,
    store,
  };
  return { deps, model, reviewer, workspace, store, dir };
}

/**
 * A store over `disk` whose process is killed (the run aborted) once a save holding at least
 * `count` recorded calls whose key starts with `prefix` has landed: nothing it saves afterwards does.
 */
export function storeKilledAfter(disk: StateStore, prefix: string, count: number): { store: StateStore; signal: AbortSignal; killed: () => boolean } {
  const controller = new AbortController();
  let killed = false;
  const store: StateStore = {
    save: async (st) => {
      if (killed) return;
      const due = st.calls.filter((c) => c.key.startsWith(prefix)).length >= count;
      await disk.save(st);
      if (due && !killed) {
        killed = true;
        controller.abort();
      }
    },
    load: (id) => disk.load(id),
    list: () => disk.list(),
    appendRunLog: (id, md) => (killed ? Promise.resolve() : disk.appendRunLog(id, md)),
    readRunLog: (id) => disk.readRunLog(id),
  };
  return { store, signal: controller.signal, killed: () => killed };
}
