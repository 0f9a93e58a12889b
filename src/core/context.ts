/**
 * The run context shared by the step modules: the state, the ports, and the few operations
 * every step needs — a memoized model call, a checkpoint, history, events, cancellation.
 *
 * Owns: the rule that a finished model call is never made again (its answer is kept in the
 * state under a key and reused on resume), and the rule that the state is saved after every
 * call, every step and before every human gate. Must not: know what any step does.
 */
import type { OrchestratorDeps } from './api';
import type { CallSpec } from './callSpec';
import { BudgetGuard, requestChars } from './budget';
import { callCost, DEFAULT_PRICES, runCost, type PriceTable } from './cost';
import { CancelledError, isAbortError } from './errors';
import type { PromptLibrary } from './library';
import type { Clock, Documents, LanguageModel, Log, ModelRequest, ModelResponse, Reviewer, StateStore, WebSearch, Workspace, WorkflowEvent } from './ports';
import { RunLog } from './runLog';
import { StateSaves } from './stateSaves';
import { validatedCall, type ValidatedCall, type ValidatedCallSpec } from './validatedCall';
import { redactKeyShapedText } from './secrets';
import { deepFreeze } from './snapshotParts';
import { DEFAULT_SETTINGS, modelFor, type OrchestratorSettings } from './settings';
import { textDocuments } from './textDocuments';
import type { HistoryEntry, ModelCallRecord, StepName, WorkflowState } from './state';

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
const systemClock: Clock = { now: () => new Date() };

export type { CallSpec } from './callSpec';

export class RunContext {
  readonly model: LanguageModel;
  readonly search: WebSearch | null;
  readonly reviewer: Reviewer;
  readonly store: StateStore;
  readonly workspace: Workspace;
  readonly documents: Documents;
  readonly library: PromptLibrary;
  readonly clock: Clock;
  readonly log: Log;
  readonly settings: OrchestratorSettings;
  readonly prices: PriceTable;
  readonly runLog: RunLog;
  /** The hard budget: every paid call reserves its upper bound here first. */
  readonly budget: BudgetGuard;
  private readonly onEvent: (event: WorkflowEvent) => void;
  private readonly saves: StateSaves;
  /** Calls under way, by key (a prefetched call is awaited rather than made twice). */
  private readonly inFlight = new Map<string, Promise<ModelCallRecord>>();
  /** Cached prefixes known to be in the provider's cache: text -> time of the call that used it. */
  private readonly warmPrefixes = new Map<string, number>();

  constructor(
    public state: WorkflowState,
    deps: OrchestratorDeps,
    readonly signal: AbortSignal | undefined,
  ) {
    this.model = deps.model;
    this.search = deps.search;
    this.reviewer = deps.reviewer;
    this.store = deps.store;
    this.workspace = deps.workspace;
    this.documents = deps.documents ?? textDocuments(deps.workspace);
    this.library = deps.library;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLog;
    this.settings = { ...DEFAULT_SETTINGS, ...deps.settings, models: { ...DEFAULT_SETTINGS.models, ...deps.settings?.models } };
    this.prices = deps.prices ?? DEFAULT_PRICES;
    this.onEvent = deps.onEvent ?? (() => {});
    this.runLog = new RunLog(this.store, state.id, this.clock, this.log);
    this.saves = new StateSaves(this.store, () => this.state);
    this.budget = new BudgetGuard(this, () => this.beforePaidWork());
  }

  /** The run's cost so far and its budget, for the status bar and the panel. */
  emitCost(): void {
    this.emit({ type: 'cost', totalUsd: runCost(this.state), budgetUsd: this.budget.limit() });
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  today(): string {
    return this.now().slice(0, 10);
  }

  modelFor(step: StepName): string {
    return modelFor(this.settings, step);
  }

  emit(event: WorkflowEvent): void {
    try {
      this.onEvent(event);
    } catch (err) {
      this.log.warn(`An event listener failed: ${(err as Error).message}`);
    }
  }

  throwIfCancelled(): void {
    if (this.signal?.aborted) throw new CancelledError();
  }

  record(step: StepName, event: HistoryEntry['event'], detail = ''): void {
    this.state.history.push({ at: this.now(), step, event, detail });
  }

  /**
   * The save protocol, all a step needs to know: call `checkpoint()` after changing the state.
   * Checkpoints taken in one burst of work share one snapshot, handed to the store at the next
   * turn of the event loop, or sooner: before the next paid call starts (model call, search,
   * page lookup, batch — every one reserves its budget first, and the reservation hands the
   * snapshot over, see `beforePaidWork`) and before the next human gate (`awaitPerson`). So a
   * recorded answer is always with the store before anything else is paid for. The store
   * writes snapshots in order (atomically) while the run goes on, keeping the disk off the
   * critical path. A failed write stops the run at its next checkpoint, paid call or gate, so
   * nothing is paid for that could not be recorded. `await saved()` where the state must be on
   * disk before going on (the start and the end of a run, a batch about to be sent).
   */
  checkpoint(): void {
    this.saves.throwIfFailed();
    this.state.updatedAt = this.now();
    this.emit({ type: 'state', state: this.state });
    this.saves.want();
  }

  /** Waits until every checkpoint taken so far is on disk; throws if one could not be written. */
  async saved(): Promise<void> {
    await this.saves.settled();
    this.saves.throwIfFailed();
  }

  /**
   * The last save of a run that stopped: waits for the writes under way, then saves the state
   * once more — even after a failed write, to record how the run stopped (this write supersedes
   * the one that failed). Throws if this write fails too.
   */
  async savedAfterStop(): Promise<void> {
    await this.saves.settled();
    this.saves.forgetFailure();
    this.checkpoint();
    await this.saved();
  }

  /**
   * What comes before any paid work (the budget guard runs it first thing of every
   * reservation): the run is not cancelled, the last checkpoint is handed to the store and no
   * write has failed.
   */
  private beforePaidWork(): void {
    this.throwIfCancelled();
    this.saves.handOver();
    this.saves.throwIfFailed();
  }

  /**
   * Whether `prefix` is known to be in the provider's prompt cache: a call of this process used
   * it as its cached block less than four minutes ago (the cache lives five).
   */
  isPrefixWarm(prefix: string): boolean {
    const at = this.warmPrefixes.get(prefix);
    return at !== undefined && this.clock.now().getTime() - at < 4 * 60_000;
  }

  private readonly warnedUnpriced = new Set<string>();

  /** Says once per model that its calls have no known price (their cost is not counted). */
  warnUnpriced(model: string): void {
    if (this.warnedUnpriced.has(model)) return;
    this.warnedUnpriced.add(model);
    this.log.warn(
      `There is no price for the model "${model}": its calls are not in the cost of this run. ` +
        'Add its prices in the setting strategicAnalysis.prices to count them.',
    );
  }

  /** The answer of a call already made in this run, if any. */
  recorded(key: string): ModelCallRecord | undefined {
    return this.state.calls.find((c) => c.key === key);
  }

  /** The key a call of `step` is recorded under: in a new round of attempts, a new key. */
  callKey(step: StepName, key: string, ownAttempts = false): string {
    if (ownAttempts) return key;
    const round = this.state.attemptRounds[step] ?? 1;
    return round > 1 ? `${key}#round${round}` : key;
  }

  /** Starts a new round of attempts for `step` (its check failed on every attempt). */
  newRound(step: StepName): void {
    this.state.attemptRounds[step] = (this.state.attemptRounds[step] ?? 1) + 1;
  }

  /**
   * Makes a model call, or returns the recorded answer when this key already finished (resume).
   * The answer is recorded and the state checkpointed before this returns.
   */
  async call(spec: CallSpec): Promise<ModelCallRecord> {
    const key = this.callKey(spec.step, spec.key, spec.ownAttempts);
    const done = this.recorded(key);
    if (done) {
      this.log.debug(`Reusing the recorded answer of ${spec.key}.`);
      void this.runLog.modelCall({ ...done, label: spec.label, reused: true });
      return done;
    }
    // Started ahead of time (see `prefetch`) and still under way: its answer is this call's.
    const started = this.inFlight.get(spec.key);
    if (started) return started;
    const making = this.makeCall(spec);
    this.inFlight.set(spec.key, making);
    try {
      return await making;
    } finally {
      this.inFlight.delete(spec.key);
    }
  }

  /**
   * Makes a call and checks its answer, feeding the reason back and asking again until an
   * answer passes or the attempts are spent (validatedCall.ts: the one history policy).
   */
  validatedCall<T>(spec: ValidatedCallSpec<T>): Promise<ValidatedCall<T>> {
    return validatedCall(this, spec);
  }

  /**
   * Starts a call that a later step will make with the same key and the same prompt, when
   * everything its prompt needs is already known: that step then waits only for what is left
   * of it. A failure is left for that step, which makes the call again.
   */
  prefetch(spec: CallSpec): void {
    if (this.recorded(spec.key) || this.inFlight.has(spec.key) || this.signal?.aborted) return;
    this.call(spec).catch(() => undefined);
  }

  /** Waits for the calls still under way (a prefetched call whose step never came), so that they are recorded. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async makeCall(spec: CallSpec): Promise<ModelCallRecord> {
    const request = this.requestFor(spec);
    const release = await this.budget.reserve(this.budget.callBound(request), {
      step: spec.step,
      label: spec.label,
      partialAllowed: spec.partialOnBudget === true,
    });
    try {
      return await this.send(spec, request);
    } finally {
      release();
    }
  }

  /** The request a call spec stands for (the task line, the step's model, caching as set). */
  requestFor(spec: CallSpec): ModelRequest {
    const tag = `<!-- task: ${spec.step}/${spec.label} -->\n`;
    const last = spec.messages.length - 1;
    const messages = spec.messages.map((m, i) => (i === last && m.role === 'user' ? { ...m, content: tag + m.content } : m));
    return {
      model: spec.model ?? this.modelFor(spec.step),
      system: this.settings.promptCaching ? spec.system : spec.system.map((b) => ({ text: b.text })),
      messages,
      maxTokens: spec.maxTokens,
      step: spec.step,
      label: spec.label,
      ...(spec.documents?.length
        ? { documents: spec.documents, cacheDocuments: this.settings.promptCaching, ...(spec.cachedDocuments !== undefined ? { cachedDocuments: spec.cachedDocuments } : {}) }
        : {}),
    };
  }

  private async send(spec: CallSpec, request: ModelRequest): Promise<ModelCallRecord> {
    this.throwIfCancelled();
    let response;
    let begun = false;
    const begin = () => {
      if (begun) return;
      begun = true;
      spec.onBegin?.();
    };
    try {
      response = await this.model.complete(request, {
        signal: this.signal,
        onStart: begin,
        onText: (delta) => {
          begin();
          if (spec.stream) this.emit({ type: 'text', step: spec.step, label: spec.label, delta });
          spec.onText?.(delta);
        },
      });
    } catch (err) {
      if (isAbortError(err) || this.signal?.aborted) throw new CancelledError();
      throw err;
    }
    return this.recordResponse(spec, request, response);
  }

  /**
   * Records the answer of a call (made now, or through a message batch: billed at the batch
   * price) and checkpoints the state.
   */
  async recordResponse(spec: Pick<CallSpec, 'key' | 'step' | 'label' | 'ownAttempts'>, request: ModelRequest, response: ModelResponse, options: { batch?: boolean } = {}): Promise<ModelCallRecord> {
    const model = request.model;
    const u = response.usage;
    this.budget.observe(requestChars(request), u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens);
    const cachedBlock = request.system.find((b) => b.cache);
    if (cachedBlock && response.usage.cacheCreationInputTokens + response.usage.cacheReadInputTokens > 0) {
      this.warmPrefixes.set(cachedBlock.text, this.clock.now().getTime());
    }
    // The offline demo model makes no API call: nothing is billed.
    const cost = this.model.demo ? 0 : callCost(this.prices, response.model || model, response.usage, options);
    if (cost === null) this.warnUnpriced(response.model || model);
    const record: ModelCallRecord = {
      // In a new round of attempts of its step, the call is recorded under a new key.
      key: this.callKey(spec.step, spec.key, spec.ownAttempts),
      step: spec.step,
      model: response.model || model,
      usage: { ...response.usage },
      costUsd: cost ?? 0,
      ...(cost === null ? { priced: false } : {}),
      ...(options.batch ? { batch: true } : {}),
      durationMs: response.durationMs,
      stopReason: response.stopReason,
      at: this.now(),
      // An answer quoting something shaped like an API key keeps its text, minus the key (its
      // blocks alike, so that they still join into the text).
      text: redactKeyShapedText(response.text),
      ...(response.blocks
        ? { blocks: response.blocks.map((b) => ({ text: redactKeyShapedText(b.text), citations: b.citations.map((c) => ({ ...c, citedText: redactKeyShapedText(c.citedText) })) })) }
        : {}),
    };
    this.state.calls.push(deepFreeze(record));
    this.runLog.modelCall({
      step: spec.step,
      label: spec.label,
      model: record.model,
      usage: record.usage,
      costUsd: record.costUsd,
      durationMs: record.durationMs,
      stopReason: record.stopReason,
    });
    this.emitCost();
    this.checkpoint();
    return record;
  }

  /**
   * Marks the run as waiting for the person at `gate`, handed to the store before the person is
   * asked (a failed write stops the run here instead).
   */
  async awaitPerson(gate: NonNullable<WorkflowState['awaiting']>): Promise<void> {
    this.saves.throwIfFailed();
    this.state.awaiting = gate;
    this.state.status = 'awaiting';
    // Written while the person reads the gate (a few milliseconds); a crash before it lands
    // resumes from the previous checkpoint and asks the same gate again.
    this.checkpoint();
    this.saves.handOver();
    this.emit({ type: 'awaiting', gate });
  }

  /**
   * Back to work after the person answered. Not saved on its own: the next model call or the
   * end of the step saves it (a crash before that asks the same gate again, losing nothing).
   */
  async resumeWork(): Promise<void> {
    this.state.awaiting = null;
    this.state.status = 'running';
    this.state.updatedAt = this.now();
    this.emit({ type: 'state', state: this.state });
  }

  /** Awaits a reviewer promise, giving up when the run is cancelled. */
  async ask<T>(question: Promise<T>): Promise<T> {
    if (!this.signal) return question;
    this.throwIfCancelled();
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
      question.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }
}

/** Thrown inside a step when the person chose to cancel at a gate. */
export class CancelledByPerson extends CancelledError {
  constructor(readonly gate: string) {
    super(`The analysis was cancelled at the ${gate} step.`);
  }
}
