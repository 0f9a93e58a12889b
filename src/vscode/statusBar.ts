/**
 * The status bar item: the current step of the run and its running cost, "awaiting you" at a
 * gate, and a demo-mode label. Clicking it opens the Analysis panel.
 *
 * Owns: the item's text, tooltip and visibility. Must not: hold run logic.
 */
import * as vscode from 'vscode';
import type { RunStatus, StepName } from '../core/state';

export function stepLabel(step: StepName): string {
  const t = vscode.l10n.t;
  switch (step) {
    case 'parse':
      return t('Reading the problem');
    case 'sources':
      return t('Sources');
    case 'clarify':
      return t('Clarification');
    case 'propose':
      return t('Proposal');
    case 'analysts':
      return t('Analysts');
    case 'integrate':
      return t('Integration');
    case 'outline':
      return t('Outline');
    case 'citations':
      return t('Citations');
    case 'fulltext':
      return t('Full text');
    case 'done':
      return t('Done');
  }
}

/** A run's status as a word. */
export function statusLabel(status: RunStatus): string {
  switch (status) {
    case 'running':
      return vscode.l10n.t('running');
    case 'awaiting':
      return vscode.l10n.t('awaiting you');
    case 'done':
      return vscode.l10n.t('done');
    case 'failed':
      return vscode.l10n.t('failed');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
  }
}

export function formatUsd(value: number): string {
  return `$${value < 1 ? value.toFixed(3) : value.toFixed(2)}`;
}

export interface StatusBarView {
  step: StepName;
  costUsd: number;
  budgetUsd?: number | null;
  awaiting: boolean;
  working: boolean;
  demo: boolean;
}

export class AnalysisStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(openCommand: string) {
    this.item = vscode.window.createStatusBarItem('strategicAnalysis.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Strategic Analysis');
    this.item.command = openCommand;
  }

  show(options: StatusBarView): void {
    const demo = options.demo ? `${vscode.l10n.t('Demo')} · ` : '';
    const icon = options.awaiting ? '$(bell-dot)' : options.working ? '$(sync~spin)' : '$(graph)';
    const what = options.awaiting ? vscode.l10n.t('awaiting you') : stepLabel(options.step);
    const budget = options.budgetUsd ?? null;
    const cost = options.demo ? '' : ` · ${formatUsd(options.costUsd)}${budget !== null ? ` / ${formatUsd(budget)}` : ''}`;
    this.item.text = `${icon} ${demo}${what}${cost}`;
    const base = options.awaiting
      ? vscode.l10n.t('Strategic Analysis is waiting for you in the Analysis panel ({0}).', stepLabel(options.step))
      : vscode.l10n.t('Strategic Analysis: {0}', stepLabel(options.step));
    this.item.tooltip =
      budget !== null && !options.demo
        ? `${base}\n${vscode.l10n.t('Spent {0} of a {1} budget.', formatUsd(options.costUsd), formatUsd(budget))}`
        : base;
    this.item.backgroundColor = options.awaiting ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
