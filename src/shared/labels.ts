/**
 * The words and figures the person reads about a run, in the extension (status bar, quick
 * picks, progress) and in the panel alike: step names, run statuses, analyst statuses, money.
 * Like everything in src/shared/, it is bundled into both the extension and the webview.
 *
 * Run and analyst statuses have keys of their own: in Italian the word agrees with "analisi"
 * (feminine) or "analista" (here masculine). The texts are localized by the extension
 * (webviewStrings.ts) and handed in as a table. Must not: import `vscode` or DOM APIs.
 */
import type { AnalystStatus, RunStatus, StepName } from './workflowNames';

/** The localized texts these labels are made of (part of the panel's strings). */
export interface LabelStrings {
  stepParse: string;
  stepSources: string;
  stepClarify: string;
  stepPropose: string;
  stepAnalysts: string;
  stepIntegrate: string;
  stepOutline: string;
  stepCitations: string;
  stepFulltext: string;
  stepDone: string;
  statusRunning: string;
  statusAwaiting: string;
  statusInterrupted: string;
  statusDone: string;
  statusFailed: string;
  statusCancelled: string;
  analystRunning: string;
  analystDone: string;
  analystFailed: string;
}

export function stepName(s: LabelStrings, step: StepName): string {
  const map: Record<StepName, string> = {
    parse: s.stepParse,
    sources: s.stepSources,
    clarify: s.stepClarify,
    propose: s.stepPropose,
    analysts: s.stepAnalysts,
    integrate: s.stepIntegrate,
    outline: s.stepOutline,
    citations: s.stepCitations,
    fulltext: s.stepFulltext,
    done: s.stepDone,
  };
  return map[step];
}

/**
 * A run's status. `interrupted`: recorded as under way, but no window runs it any more (its
 * window was closed or killed).
 */
export function runStatusName(s: LabelStrings, status: RunStatus, interrupted = false): string {
  if (interrupted) return s.statusInterrupted;
  const map: Record<RunStatus, string> = {
    running: s.statusRunning,
    awaiting: s.statusAwaiting,
    done: s.statusDone,
    failed: s.statusFailed,
    cancelled: s.statusCancelled,
  };
  return map[status];
}

export function analystStatusName(s: LabelStrings, status: AnalystStatus): string {
  const map: Record<AnalystStatus, string> = { running: s.analystRunning, done: s.analystDone, failed: s.analystFailed };
  return map[status];
}

/**
 * An amount in US dollars: three decimals under a dollar, else two; `exact` (the run log):
 * always four, so that the cost of one small call is never shown as zero.
 */
export function usd(value: number, options: { exact?: boolean } = {}): string {
  const v = Number.isFinite(value) ? value : 0;
  if (options.exact) return `$${v.toFixed(4)}`;
  return `$${v < 1 ? v.toFixed(3) : v.toFixed(2)}`;
}
