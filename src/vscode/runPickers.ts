/**
 * The quick picks that choose a stored run: the one to resume, the one whose run log to show.
 *
 * Owns: their wording and what each entry says of a run. Must not: load, resume or show anything
 * itself (the controller does with the id it gets).
 */
import * as vscode from 'vscode';
import type { RunSummary } from '../core/ports';
import { runStatusName, stepName } from '../shared/labels';
import { labelStrings } from './webviewStrings';

/** The unfinished run to resume, or undefined (nothing to resume, or no choice made). */
export async function pickRunToResume(runs: readonly RunSummary[]): Promise<string | undefined> {
  const unfinished = runs.filter((r) => r.status !== 'done');
  if (unfinished.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no unfinished analysis to resume.'));
    return undefined;
  }
  const labels = labelStrings();
  const picked = await vscode.window.showQuickPick(
    unfinished.map((r) => ({
      id: r.id,
      label: r.title,
      // No run is active here: one recorded as under way was interrupted (its window is gone).
      description: `${runStatusName(labels, r.status, r.status === 'running' || r.status === 'awaiting')} · ${stepName(labels, r.step)}`,
      detail: new Date(r.updatedAt).toLocaleString(vscode.env.language),
    })),
    { title: vscode.l10n.t('Resume Analysis'), placeHolder: vscode.l10n.t('Choose the analysis to resume') },
  );
  return picked?.id;
}

/** The run whose log to show (the only one without asking), or undefined. */
export async function pickRunForLog(runs: readonly RunSummary[]): Promise<string | undefined> {
  if (runs.length <= 1) return runs[0]?.id;
  const labels = labelStrings();
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ id: r.id, label: r.title, description: runStatusName(labels, r.status) })),
    { title: vscode.l10n.t('Show Run Log'), placeHolder: vscode.l10n.t('Choose the analysis') },
  );
  return picked?.id;
}
