/**
 * The run log: a markdown audit trail of one analysis (`run-log.md` next to its state), written
 * as the run goes: steps, model calls with tokens and cost, web searches, gates, retries, the
 * person's decisions, errors, and a closing summary table.
 *
 * Owns: the wording and layout of the log, and keeping entries in call order. Must not: decide
 * anything, hold secrets (it writes only what it is given), or break the run — a log write that
 * fails is reported to the optional `Log` port and otherwise ignored.
 */
import { runCost, stepCost, totalUsage } from './cost';
import type { Clock, Log, StateStore } from './ports';
import { STEPS, type StepName, type TokenUsage, type WorkflowState } from './state';
import { usd } from '../shared/labels';

export interface ModelCallLogEntry {
  step: StepName;
  /** Which call of the step this is (an analyst id, `outline-2`, ...). */
  label: string;
  model: string;
  usage: TokenUsage;
  costUsd: number;
  durationMs: number;
  stopReason: string | null;
  /** The answer came from the saved state of an earlier attempt: nothing was paid again. */
  reused?: boolean;
}

export interface SearchLogEntry {
  step?: StepName;
  query: string;
  /** How many results came back, or the results themselves (their titles and links are listed). */
  results: number | ReadonlyArray<{ title?: string; url: string }>;
  durationMs: number;
  /** Served from the saved state or a cache: nothing was paid again. */
  cached?: boolean;
  costUsd?: number;
}

export interface GateLogEntry {
  step: StepName;
  gate: string;
  passed: boolean;
  detail?: string;
}

export interface RetryLogEntry {
  step: StepName;
  label: string;
  /** The attempt about to run (2 for the first retry). */
  attempt: number;
  reason: string;
}

export interface DecisionLogEntry {
  step: StepName;
  gate: string;
  /** What the person chose, e.g. `approve`, `modify`, `request-changes`, `continue-partial`. */
  decision: string;
  detail?: string;
}

export interface ErrorLogEntry {
  step: StepName;
  message: string;
}

export interface NoteLogEntry {
  step?: StepName;
  message: string;
}

/** Writes the run log of one analysis through the state store. Every method resolves, never rejects. */
export class RunLog {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly runId: string,
    private readonly clock: Clock,
    private readonly log?: Log,
  ) {}

  header(state: Pick<WorkflowState, 'id' | 'title' | 'problem' | 'createdAt' | 'demo'>): Promise<void> {
    const title = inline(state.title) || inline(state.problem).slice(0, 80) || state.id;
    const lines = [
      `# Run log: ${title}`,
      '',
      `- **Analysis:** \`${state.id}\``,
      `- **Started:** ${state.createdAt}`,
      `- **Log opened:** ${this.stamp()}`,
    ];
    if (state.demo) lines.push('- **Demo run:** offline demo model, no real analysis');
    lines.push('', '**Problem**', '', quote(state.problem), '');
    return this.write(lines.join('\n') + '\n');
  }

  stepStart(step: StepName): Promise<void> {
    return this.write(`\n## Step: ${step}\n\n${this.item(`Step **${step}** started`)}`);
  }

  stepEnd(step: StepName, durationMs: number, costUsd: number): Promise<void> {
    return this.write(
      this.item(`Step **${step}** finished in ${formatDuration(durationMs)} · cost ${formatUsd(costUsd)}`),
    );
  }

  modelCall(e: ModelCallLogEntry): Promise<void> {
    const u = e.usage;
    const tokens = [
      `${formatCount(u.inputTokens)} in`,
      `${formatCount(u.outputTokens)} out`,
      `cache write ${formatCount(u.cacheCreationInputTokens ?? 0)}`,
      `cache read ${formatCount(u.cacheReadInputTokens ?? 0)}`,
    ].join(' · ');
    const paid = e.reused ? 'reused from the saved state, not paid again' : formatUsd(e.costUsd);
    const stop = e.stopReason ?? 'none';
    const warn = e.stopReason === 'max_tokens' || e.stopReason === 'refusal' ? ' ⚠' : '';
    return this.write(
      this.item(
        `Model call **${inline(e.label)}** (${e.step}, \`${inline(e.model)}\`): ${tokens} · ${paid} · ` +
          `${formatDuration(e.durationMs)} · stop: ${inline(stop)}${warn}`,
      ),
    );
  }

  search(e: SearchLogEntry): Promise<void> {
    const count = typeof e.results === 'number' ? e.results : e.results.length;
    const parts = [`${count} result${count === 1 ? '' : 's'}`, formatDuration(e.durationMs)];
    if (e.cached) parts.push('cached, not paid again');
    else if (e.costUsd !== undefined) parts.push(formatUsd(e.costUsd));
    const where = e.step ? ` (${e.step})` : '';
    let text = this.item(`Web search${where} “${inline(e.query)}”: ${parts.join(' · ')}`);
    if (typeof e.results !== 'number') {
      for (const r of e.results) {
        const title = inline(r.title ?? '') || inline(r.url);
        text += `  - ${title} — <${inline(r.url)}>\n`;
      }
    }
    return this.write(text);
  }

  gate(e: GateLogEntry): Promise<void> {
    const mark = e.passed ? '✅ passed' : '❌ failed';
    const detail = e.detail ? `: ${inline(e.detail)}` : '';
    return this.write(this.item(`Gate **${inline(e.gate)}** (${e.step}) ${mark}${detail}`));
  }

  retry(e: RetryLogEntry): Promise<void> {
    return this.write(
      this.item(`🔁 Retry **${inline(e.label)}** (${e.step}), attempt ${e.attempt}: ${inline(e.reason)}`),
    );
  }

  decision(e: DecisionLogEntry): Promise<void> {
    const detail = e.detail ? ` — ${inline(e.detail)}` : '';
    return this.write(
      this.item(`👤 Decision at **${inline(e.gate)}** (${e.step}): **${inline(e.decision)}**${detail}`),
    );
  }

  error(e: ErrorLogEntry): Promise<void> {
    return this.write(this.item(`⚠️ **Error** (${e.step}): ${inline(e.message)}`));
  }

  note(e: NoteLogEntry): Promise<void> {
    const where = e.step ? ` (${e.step})` : '';
    return this.write(this.item(`ℹ️${where} ${inline(e.message)}`));
  }

  summary(state: WorkflowState): Promise<void> {
    return this.write(`\n## Summary (${this.stamp()})\n\n${formatSummary(state)}`);
  }

  /** Resolves once every entry asked for so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private stamp(): string {
    return this.clock.now().toISOString();
  }

  /** A list item stamped now: the time is taken when the entry is asked for, not when written. */
  private item(text: string): string {
    return `- \`${this.stamp()}\` ${text}\n`;
  }

  private write(markdown: string): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        await this.store.appendRunLog(this.runId, markdown);
      } catch (err) {
        this.log?.warn(`Could not write the run log: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.chain;
  }
}

/** The summary table of a run: calls, tokens (with cache), cost by step and in total, searches, outcome. */
export function formatSummary(state: WorkflowState): string {
  const lines: string[] = [];
  const total = totalUsage(state.calls);
  const searchCost = state.searches.reduce((sum, s) => sum + s.costUsd, 0);
  const modelTime = state.calls.reduce((sum, c) => sum + c.durationMs, 0);
  const elapsed = Date.parse(state.updatedAt) - Date.parse(state.createdAt);

  lines.push(`- **Outcome:** ${outcome(state)}`);
  lines.push(`- **Model calls:** ${formatCount(state.calls.length)}`);
  lines.push(
    `- **Tokens:** ${formatCount(total.inputTokens)} input · ${formatCount(total.outputTokens)} output · ` +
      `${formatCount(total.cacheCreationInputTokens)} cache write · ${formatCount(total.cacheReadInputTokens)} cache read`,
  );
  lines.push(`- **Web searches:** ${formatCount(state.searches.length)} (${formatUsd(searchCost)})`);
  if (state.pageLookups.length > 0) {
    const lookupCost = state.pageLookups.reduce((sum, p) => sum + p.costUsd, 0);
    lines.push(`- **Page lookups** (verifying sources named by analysts): ${formatCount(state.pageLookups.length)} (${formatUsd(lookupCost)})`);
  }
  lines.push(`- **Total cost:** ${formatUsd(runCost(state))}`);
  lines.push(
    `- **Duration:** ${Number.isFinite(elapsed) && elapsed >= 0 ? formatDuration(elapsed) : 'unknown'} from start to last update · ` +
      `${formatDuration(modelTime)} in model calls (summed)`,
  );
  if (state.errors.length > 0) lines.push(`- **Errors:** ${formatCount(state.errors.length)}`);
  if (state.finalDocument?.path) lines.push(`- **Document:** ${inline(state.finalDocument.path)}`);
  lines.push('');

  lines.push('| Step | Calls | Input | Output | Cache write | Cache read | Cost (USD) |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const step of STEPS) {
    const calls = state.calls.filter((c) => c.step === step);
    if (calls.length === 0) continue;
    const u = totalUsage(calls);
    lines.push(
      `| ${step} | ${formatCount(calls.length)} | ${formatCount(u.inputTokens)} | ${formatCount(u.outputTokens)} | ` +
        `${formatCount(u.cacheCreationInputTokens)} | ${formatCount(u.cacheReadInputTokens)} | ${formatUsd(stepCost(state, step))} |`,
    );
  }
  if (state.searches.length > 0) {
    lines.push(`| web search | ${formatCount(state.searches.length)} | | | | | ${formatUsd(searchCost)} |`);
  }
  lines.push(
    `| **Total** | **${formatCount(state.calls.length + state.searches.length)}** | **${formatCount(total.inputTokens)}** | ` +
      `**${formatCount(total.outputTokens)}** | **${formatCount(total.cacheCreationInputTokens)}** | ` +
      `**${formatCount(total.cacheReadInputTokens)}** | **${formatUsd(runCost(state))}** |`,
  );
  return lines.join('\n') + '\n';
}

function outcome(state: WorkflowState): string {
  const partial = state.partialResults ? ' (with partial analyst results)' : '';
  switch (state.status) {
    case 'done':
      return `done${partial}`;
    case 'awaiting':
      return `waiting for the person at step ${state.step}${state.awaiting ? ` (${state.awaiting})` : ''}`;
    case 'cancelled':
      return `cancelled at step ${state.step}`;
    case 'failed': {
      const last = state.errors[state.errors.length - 1];
      return `failed at step ${state.step}${last ? `: ${inline(last.message)}` : ''}`;
    }
    case 'running':
      return `running (step ${state.step})${partial}`;
  }
}

/** `$0.0123`: four decimals, enough for single cheap calls. */
export function formatUsd(value: number): string {
  return usd(value, { exact: true });
}

/** `850 ms`, `2.4 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** One line of markdown-safe text: whitespace collapsed, table pipes escaped. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function quote(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => (line.trim() ? `> ${line}` : '>'))
    .join('\n');
}
