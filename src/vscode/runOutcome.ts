/**
 * The notification at the end of a run, with its next action: open the document or the run log
 * of a finished run (and what went wrong without stopping it), resume a cancelled one, fix and
 * resume a failed one.
 *
 * Owns: the wording and the actions of the end-of-run notifications. Must not: run anything
 * itself (the actions it is given do) or show model text as markup (titles and errors pass
 * through `inert`).
 */
import * as vscode from 'vscode';
import type { RunOutcome } from '../core/api';
import { errorMessage, isAbortError } from '../core/errors';
import { runTitle } from '../core/runSummary';
import { fixFor, offer, type FixAction } from './fixActions';
import { inert } from './inertText';
import type { ChannelLog } from './log';
import { noticeTexts } from './runNotices';

export interface OutcomeActions {
  openDocument(id: string): Promise<void>;
  showRunLog(id: string): Promise<void>;
  resume(id: string): Promise<void>;
}

/**
 * `run`: the id and title the run had when it ended (a run that failed before its first save
 * has no id); `outcome`: what the engine returned; `thrown`: what it threw instead.
 */
export async function reportOutcome(
  run: { id: string | null; title: string },
  outcome: RunOutcome | undefined,
  thrown: unknown,
  log: ChannelLog,
  actions: OutcomeActions,
): Promise<void> {
  // The title comes from the model and errors may echo its answers: never markup here.
  const title = inert(outcome ? runTitle(outcome.state) : run.title);
  const id = outcome?.state.id ?? run.id;
  const resume = vscode.l10n.t('Resume');
  const showLog = vscode.l10n.t('Show Run Log');

  if (outcome?.state.status === 'done') {
    log.info(`Analysis ${id} done.`);
    const open = vscode.l10n.t('Open document');
    const complete = vscode.l10n.t('The analysis "{0}" is complete.', title);
    // What went wrong without stopping the run (every web search failed) is said here too.
    const notices = noticeTexts(outcome.state.notices).map((text) => inert(text));
    const picked = notices.length
      ? await vscode.window.showWarningMessage(`${complete} ${notices.join(' ')}`, open, showLog)
      : await vscode.window.showInformationMessage(complete, open, showLog);
    if (picked === open && id) await actions.openDocument(id);
    if (picked === showLog && id) await actions.showRunLog(id);
    return;
  }
  const error = outcome?.error ?? thrown;
  if (outcome?.state.status === 'cancelled' || (error !== undefined && isAbortError(error))) {
    log.info(`Analysis ${id ?? ''} cancelled.`);
    if (!id) return;
    const picked = await vscode.window.showInformationMessage(
      vscode.l10n.t('The analysis "{0}" was cancelled. Its progress is saved: you can resume it.', title),
      resume,
    );
    if (picked === resume) await actions.resume(id);
    return;
  }
  const message = error !== undefined ? log.redact(errorMessage(error)) : vscode.l10n.t('The analysis stopped.');
  log.error(`Analysis ${id ?? ''} failed: ${message}`);
  // The action that fixes this problem (the right key, the model, the endpoint), if any.
  const fix = fixFor(error, message);
  const next: FixAction[] = [
    ...(fix ? [fix] : []),
    ...(id ? [{ label: resume, run: () => actions.resume(id) }] : []),
    { label: showLog, run: async () => (id ? actions.showRunLog(id) : log.channel.show(true)) },
  ];
  await offer(
    (m, ...items) => vscode.window.showErrorMessage(m, ...items),
    vscode.l10n.t('The analysis "{0}" failed: {1}', title, inert(message)),
    next,
  );
}
