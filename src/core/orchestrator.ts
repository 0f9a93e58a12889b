/**
 * The orchestrator: walks the fixed workflow as an explicit state machine. A step starts only
 * when the state says its predecessor finished and its gate passed (checks.ts); the state is
 * checkpointed after every step, every model call and before every human gate, so a run can be
 * resumed from the recorded step without paying again for finished calls.
 *
 * Owns: the sequence and the run's status. Must not: contain step logic (steps/*.ts do).
 */
import type { OrchestratorDeps, RunOptions, RunOutcome } from './api';
import { CancelledByPerson, RunContext } from './context';
import { runCost } from './cost';
import { CancelledError, errorMessage, GateError } from './errors';
import { assertCanStart } from './checks';
import { problemOverLimit } from './problemSize';
import { createState, nextStep, type StepName, type WorkflowState } from './state';
import { defaultRunId } from './runSummary';
import { freezeFinishedParts } from './snapshotParts';
import { resetInterrupted, runAnalysts } from './steps/analysts';
import { runCitations } from './steps/citations';
import { runClarify } from './steps/clarify';
import { runFulltext } from './steps/fulltext';
import { runIntegrate } from './steps/integrate';
import { runOutline } from './steps/outline';
import { runParse } from './steps/parse';
import { runPropose } from './steps/propose';
import { checkDocuments, runSources } from './steps/sources';

type StepHandler = (ctx: RunContext) => Promise<void>;

export const STEP_HANDLERS: Record<Exclude<StepName, 'done'>, StepHandler> = {
  parse: runParse,
  sources: runSources,
  clarify: runClarify,
  propose: runPropose,
  analysts: runAnalysts,
  integrate: runIntegrate,
  outline: runOutline,
  citations: runCitations,
  fulltext: runFulltext,
};

export class Orchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  /** Creates a run for `problem` and drives it until it ends, fails or is cancelled. */
  async start(problem: string, options: RunOptions = {}): Promise<RunOutcome> {
    if (!problem.trim()) {
      throw new Error('The problem is empty: describe the decision or question to analyse.');
    }
    const over = problemOverLimit(problem);
    if (over) {
      throw new Error(
        `The problem is ${over.chars} characters long (about ${over.tokens} tokens); a problem may have at most ${over.maxChars}, ` +
          'because it is sent with every model call. Nothing was sent. Keep the problem to the question itself and add the long text ' +
          'as a context document at the sources step.',
      );
    }
    const now = (this.deps.clock ?? { now: () => new Date() }).now();
    const state = createState({ id: defaultRunId(problem, now), problem, now, demo: this.deps.model.demo === true });
    const ctx = new RunContext(state, this.deps, options.signal);
    ctx.checkpoint();
    await ctx.saved();
    ctx.runLog.header(state);
    return this.drive(ctx);
  }

  /** Continues a saved run from its recorded step. */
  async resume(id: string, options: RunOptions = {}): Promise<RunOutcome> {
    const loaded = await this.deps.store.load(id);
    const state = loaded.state;
    freezeFinishedParts(state);
    if (loaded.recoveredFromBackup) this.deps.log?.warn(loaded.recoveredFromBackup);
    const ctx = new RunContext(state, this.deps, options.signal);
    if (state.status === 'done') return { state };
    ctx.record(state.step, 'resume', loaded.recoveredFromBackup ?? '');
    state.status = 'running';
    await this.reportChangedDocuments(ctx);
    ctx.checkpoint();
    return this.drive(ctx);
  }

  /**
   * The run goes on with the passages it read (kept in the state); a document changed on disk
   * since then is reported — to the person, in the run log and in the state — never mixed in.
   */
  private async reportChangedDocuments(ctx: RunContext): Promise<void> {
    const changed = await checkDocuments(ctx);
    if (changed.length === 0) return;
    const message = `Changed on disk since the analysis read them: ${changed.join(', ')}. The analysis goes on with the versions it read; start a new analysis to use the new ones.`;
    ctx.log.warn(message);
    ctx.state.errors.push({ at: ctx.now(), step: ctx.state.step, message });
    ctx.runLog.note({ step: ctx.state.step, message });
    ctx.emit({ type: 'documents-changed', paths: changed });
  }

  private async drive(ctx: RunContext): Promise<RunOutcome> {
    const s = ctx.state;
    try {
      while (s.step !== 'done') {
        const step = s.step;
        assertCanStart(s, step);
        const started = Date.now();
        ctx.record(step, 'start');
        ctx.runLog.stepStart(step);
        ctx.emit({ type: 'step-start', step });
        const costBefore = runCost(s);
        await STEP_HANDLERS[step](ctx);
        ctx.throwIfCancelled();
        ctx.record(step, 'end');
        ctx.runLog.stepEnd(step, Date.now() - started, runCost(s) - costBefore);
        s.step = nextStep(step);
        ctx.checkpoint();
        ctx.emit({ type: 'step-end', step });
      }
      assertCanStart(s, 'done');
      s.status = 'done';
      s.awaiting = null;
      ctx.checkpoint();
      await ctx.saved();
      await ctx.runLog.summary(s);
      return { state: s };
    } catch (err) {
      return this.stop(ctx, err);
    }
  }

  private async stop(ctx: RunContext, err: unknown): Promise<RunOutcome> {
    const s = ctx.state;
    const error = err instanceof Error ? err : new Error(String(err));
    if (err instanceof CancelledError) {
      s.status = 'cancelled';
      // Cancelled while a gate was open: the gate is asked again on resume.
      ctx.record(s.step, 'cancel', err instanceof CancelledByPerson ? `by the person at ${err.gate}` : 'cancelled');
      ctx.runLog.decision({ step: s.step, gate: s.awaiting ?? s.step, decision: 'cancel', detail: error.message });
    } else {
      s.status = 'failed';
      // The step's answers failed its check on every attempt: resuming makes a new round of
      // attempts instead of replaying the rejected answers.
      if (err instanceof GateError && err.step === s.step && err.gate !== 'sequence' && err.gate !== 'precondition') {
        ctx.newRound(s.step);
      }
      s.errors.push({ at: ctx.now(), step: s.step, message: errorMessage(err) });
      ctx.record(s.step, 'error', errorMessage(err));
      ctx.runLog.error({ step: s.step, message: errorMessage(err) });
    }
    s.awaiting = null;
    // A call started ahead of time is paid for: record it before the last save.
    await ctx.settle();
    for (const a of Object.values(s.analysts)) resetInterrupted(a);
    try {
      await ctx.savedAfterStop();
    } catch (saveErr) {
      ctx.log.error(`The state could not be saved after the run stopped: ${errorMessage(saveErr)}`);
      await this.recordStop(s, saveErr);
    }
    await ctx.runLog.summary(s);
    return { state: s, error: err instanceof CancelledByPerson ? undefined : error };
  }

  /**
   * The run stopped and its state cannot be written (it holds one of the person's keys, say):
   * the last state that was written gets the stop recorded instead, so no run is left on disk
   * as `running` after it stopped.
   */
  private async recordStop(s: WorkflowState, saveErr: unknown): Promise<void> {
    try {
      const { state: last } = await this.deps.store.load(s.id);
      if (last.status === s.status) return;
      last.status = s.status;
      last.awaiting = null;
      last.updatedAt = s.updatedAt;
      last.errors.push({ at: s.updatedAt, step: s.step, message: `The run stopped and its latest state could not be saved: ${errorMessage(saveErr)}` });
      for (const a of Object.values(last.analysts)) resetInterrupted(a);
      await this.deps.store.save(last);
    } catch (err) {
      this.deps.log?.error(`The stop of the run could not be recorded either: ${errorMessage(err)}`);
    }
  }
}

export type { WorkflowState };
