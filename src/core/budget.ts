/**
 * The hard budget of a run: before every paid call (model, web search) the spent cost plus the
 * calls in flight plus a safe upper bound of the next call must stay within the budget;
 * otherwise the run waits at the budget gate and the person chooses: raise the budget for this
 * run, continue with what is done (the rest of the step is skipped, where the step allows it),
 * or cancel (the run stops at a resumable checkpoint; finished calls are never paid again).
 *
 * The upper bound of a model call: every input token priced at the highest input rate that
 * call can be billed (a cache write, 1-hour when it asks for it), the input counted at the
 * highest tokens-per-character ratio seen in this run plus a margin (one token per two
 * characters before any is seen), and the whole `max_tokens` as output. A model without a known
 * price is bounded — and its spending counted — at the highest price of the table.
 *
 * Owns: the reservation arithmetic and the single budget question asked for calls waiting at
 * once. Must not: make calls, or let a call start that could take the run past its budget.
 */
import { CancelledByPerson, type RunContext } from './context';
import { usageCost } from './cost';
import type { BudgetDecision, ModelRequest } from './ports';
import { ceilingPrice, priceFor } from './pricing';
import type { StepName, WorkflowState } from './state';

/** Thrown to a step whose person chose to continue with what is done: skip this call. */
export class BudgetStop extends Error {
  constructor(readonly step: StepName) {
    super('The budget of the run was reached: this call was skipped, the run continues with what is done.');
    this.name = 'BudgetStop';
  }
}

/** The budget that applies to a run: its own (proposal, budget gate), else the setting's. */
export function budgetOf(state: Pick<WorkflowState, 'budgetUsd'>, settingUsd: number | null): number | null {
  return state.budgetUsd ?? settingUsd ?? null;
}

const MARGIN = 1.1;
const UNSEEN_TOKENS_PER_CHAR = 0.5;

export class BudgetGuard {
  private reserved = 0;
  private tokensPerChar = 0;
  private question: Promise<BudgetDecision> | null = null;
  private readonly skipping = new Set<StepName>();

  /**
   * `beforePaidWork` runs first thing of every reservation: it hands the last checkpoint to the
   * store and throws when the run is cancelled or a write failed (context.ts), so nothing is
   * paid for that could not be recorded.
   */
  constructor(
    private readonly ctx: RunContext,
    private readonly beforePaidWork: () => void,
  ) {}

  /** The run's budget now, or `null` when it has none (or bills nothing: demo mode). */
  limit(): number | null {
    if (this.ctx.model.demo) return null;
    return budgetOf(this.ctx.state, this.ctx.settings.maxUsdPerRun);
  }

  /** Spent so far; calls of a model without a price count at the highest price of the table. */
  spent(): number {
    const s = this.ctx.state;
    const ceiling = ceilingPrice(this.ctx.prices);
    return (
      s.calls.reduce((n, c) => n + (c.priced === false ? usageCost(ceiling, c.usage, { batch: c.batch }) : c.costUsd), 0) +
      s.searches.reduce((n, x) => n + x.costUsd, 0) +
      s.pageLookups.reduce((n, x) => n + x.costUsd, 0)
    );
  }

  /** Learns the tokens-per-character ratio of this run from a counted or billed request. */
  observe(chars: number, tokens: number): void {
    if (chars > 200 && tokens > 0) this.tokensPerChar = Math.max(this.tokensPerChar, tokens / chars);
  }

  /** A safe upper bound of the cost of `request` (USD). */
  callBound(request: Pick<ModelRequest, 'model' | 'system' | 'messages' | 'maxTokens' | 'documents'>, batch = false): number {
    const p = priceFor(this.ctx.prices, request.model) ?? ceilingPrice(this.ctx.prices);
    const chars = requestChars(request);
    const ratio = this.tokensPerChar > 0 ? this.tokensPerChar * MARGIN : UNSEEN_TOKENS_PER_CHAR;
    const inputTokens = Math.ceil(chars * ratio) + 64;
    const inputRate = Math.max(p.input, p.cacheWrite5m, request.system.some((b) => b.ttl === '1h') ? p.cacheWrite1h : 0);
    const usd = (inputTokens * inputRate + request.maxTokens * p.output) / 1_000_000;
    return batch ? usd * (1 - p.batchDiscount) : usd;
  }

  /** A safe upper bound of one web search. */
  searchBound(): number {
    const seen = Math.max(0, ...this.ctx.state.searches.map((x) => x.costUsd));
    return Math.max(this.ctx.prices.searchUsd, seen) * 1.25;
  }

  /**
   * Reserves `boundUsd` for a paid call about to start (after `beforePaidWork`); resolves with
   * the release to call when the call has ended (its real cost is then in the state). Waits at the budget gate when the
   * call could take the run past its budget. Throws BudgetStop (skip the call) or
   * CancelledByPerson (stop the run) as the person decides.
   */
  async reserve(boundUsd: number, where: { step: StepName; label: string; partialAllowed: boolean }): Promise<() => void> {
    this.beforePaidWork();
    for (;;) {
      if (where.partialAllowed && this.skipping.has(where.step)) throw new BudgetStop(where.step);
      const limit = this.limit();
      const spent = this.spent();
      if (limit === null || spent + this.reserved + boundUsd <= limit + 1e-9) {
        this.reserved += boundUsd;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.reserved -= boundUsd;
        };
      }
      this.question ??= this.ask({ ...where, spentUsd: spent, reservedUsd: this.reserved, nextCallUsd: boundUsd, budgetUsd: limit }).finally(() => {
        this.question = null;
      });
      const decision = await this.question;
      if (decision.kind === 'raise') continue;
      if (decision.kind === 'continue-partial' && where.partialAllowed) {
        this.skipping.add(where.step);
        continue;
      }
      if (decision.kind === 'continue-partial') continue;
      throw new CancelledByPerson('budget');
    }
  }

  /** Whether the person chose to skip the rest of `step` at the budget gate. */
  skipped(step: StepName): boolean {
    return this.skipping.has(step);
  }

  private async ask(view: Parameters<NonNullable<RunContext['reviewer']['decideOnBudget']>>[0]): Promise<BudgetDecision> {
    const ctx = this.ctx;
    await ctx.awaitPerson('budget');
    ctx.runLog.gate({ step: view.step, gate: 'budget', passed: false, detail: `spent $${view.spentUsd.toFixed(4)}, next call up to $${view.nextCallUsd.toFixed(4)}, budget $${view.budgetUsd.toFixed(2)}` });
    const decision: BudgetDecision = ctx.reviewer.decideOnBudget
      ? await ctx.ask(ctx.reviewer.decideOnBudget(view, ctx.state))
      : { kind: 'cancel' };
    ctx.record(view.step, 'decision', `budget: ${decision.kind}${decision.kind === 'raise' ? ` to $${decision.budgetUsd}` : ''}`);
    ctx.runLog.decision({ step: view.step, gate: 'budget', decision: decision.kind, detail: decision.kind === 'raise' ? `$${decision.budgetUsd}` : '' });
    if (decision.kind === 'raise') {
      if (!(decision.budgetUsd > view.budgetUsd)) {
        ctx.log.warn('A raised budget must be higher than the current one; the budget gate asks again.');
      } else {
        ctx.state.budgetUsd = decision.budgetUsd;
      }
    }
    if (decision.kind === 'continue-partial' && !view.partialAllowed) {
      ctx.log.warn(`The ${view.step} step cannot go on without this call; the budget gate asks again.`);
    }
    if (decision.kind !== 'cancel') await ctx.resumeWork();
    return decision;
  }
}

/** Characters of everything a request sends as input (system, messages, citable documents). */
export function requestChars(request: Pick<ModelRequest, 'system' | 'messages' | 'documents'>): number {
  return (
    request.system.reduce((n, b) => n + b.text.length, 0) +
    request.messages.reduce((n, m) => n + m.content.length, 0) +
    (request.documents ?? []).reduce(
      (n, d) => n + d.title.length + (d.url?.length ?? 0) + (d.context?.length ?? 0) + d.passages.reduce((m, x) => m + x.length + 16, 0),
      0,
    )
  );
}
