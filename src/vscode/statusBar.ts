/**
 * The status bar item: the current step of the run and its running cost, "awaiting you" at a
 * gate, and a demo-mode label. Clicking it opens the Analysis panel.
 *
 * Owns: the item's text, tooltip and visibility. Must not: hold run logic.
 */
import * as vscode from 'vscode';
import type { StepName } from '../core/state';
import { stepName, usd } from '../shared/labels';
import { labelStrings } from './webviewStrings';

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
    const labels = labelStrings();
    const step = stepName(labels, options.step);
    const what = options.awaiting ? labels.statusAwaiting : step;
    const budget = options.budgetUsd ?? null;
    const cost = options.demo ? '' : ` · ${usd(options.costUsd)}${budget !== null ? ` / ${usd(budget)}` : ''}`;
    this.item.text = `${icon} ${demo}${what}${cost}`;
    const base = options.awaiting
      ? vscode.l10n.t('Strategic Analysis is waiting for you in the Analysis panel ({0}).', step)
      : vscode.l10n.t('Strategic Analysis: {0}', step);
    this.item.tooltip =
      budget !== null && !options.demo
        ? `${base}\n${vscode.l10n.t('Spent {0} of a {1} budget.', usd(options.costUsd), usd(budget))}`
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
