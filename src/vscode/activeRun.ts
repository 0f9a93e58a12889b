/**
 * The run this window drives, while it runs: its abort controller, its reviewer (the gates in the
 * panel), its progress notification, and what the panel and the status bar show of it, kept
 * current from the workflow's events.
 *
 * Owns: the run's live view (step, status, cost and budget, analysts, notices), the reduction of
 * workflow events and gates into it, and the live draft of the final document. Must not: start
 * the engine (runWorkflow.ts does), read the store, or word the outcome (runOutcome.ts does).
 */
import * as vscode from 'vscode';
import { budgetOf } from '../core/budget';
import { runCost } from '../core/cost';
import type { WorkflowEvent } from '../core/ports';
import type { StepName, WorkflowState } from '../core/state';
import { runTitle } from '../core/runSummary';
import { stepName } from '../shared/labels';
import type { DraftDocuments } from './drafts';
import { inert } from './inertText';
import type { ChannelLog } from './log';
import { WorkProgress } from './progress';
import type { ActiveRun as ActiveRunView, FromWebview, Gate } from '../shared/protocol';
import { PanelReviewer } from './reviewer';
import { noticeTexts } from './runNotices';
import type { StatusBarView } from './statusBar';
import { labelStrings } from './webviewStrings';
import { plainName } from './workspaceDocuments';

export interface ActiveRunHost {
  log: ChannelLog;
  drafts: DraftDocuments;
  /** The view of the run changed: the panel and the status bar show it again. */
  changed(): void;
  /** A gate waits for the person: the panel is shown. */
  revealPanel(): void;
  /** The run's state was saved: the run list shows it. */
  saved(state: Readonly<WorkflowState>): void;
  /** Folder the file pickers of the gates start in. */
  defaultFolder(): vscode.Uri | undefined;
}

export interface ActiveRunStart {
  /** The run's id when it is resumed; a new run has one from its first saved state. */
  id: string | null;
  title: string;
  demo: boolean;
  /** The budget of the settings, `null` when none. */
  settingBudgetUsd: number | null;
  /** The first progress message. */
  firstMessage: string;
}

type AnalystStatus = 'running' | 'done' | 'failed';

export class ActiveRun {
  readonly abort = new AbortController();
  readonly reviewer: PanelReviewer;
  readonly demo: boolean;
  private readonly progress: WorkProgress;
  private readonly settingBudgetUsd: number | null;
  id: string | null;
  title: string;
  private step: StepName = 'parse';
  private status: WorkflowState['status'] = 'running';
  private costUsd = 0;
  /** The run's hard budget (its own, else the setting's), `null` when none. */
  private budgetUsd: number | null;
  private working = true;
  private readonly analysts = new Map<string, AnalystStatus>();
  /** Analyst names from the prompt library, by id. */
  private readonly analystNames = new Map<string, string>();
  private notices: string[] = [];
  private ended = false;
  /** Where the run's overnight batch stands, when it has one. */
  private overnight: 'submitted' | 'in-progress' | 'results-ready' | undefined;
  /** Set aside by the person while its batch was out: it ends without an outcome notice. */
  private setAsideByPerson = false;

  constructor(
    start: ActiveRunStart,
    private readonly host: ActiveRunHost,
  ) {
    this.id = start.id;
    this.title = start.title;
    this.demo = start.demo;
    this.settingBudgetUsd = start.settingBudgetUsd;
    this.budgetUsd = start.settingBudgetUsd;
    const progressTitle = start.demo ? vscode.l10n.t('Strategic Analysis (demo)') : vscode.l10n.t('Strategic Analysis');
    this.progress = new WorkProgress(progressTitle, this.abort);
    this.reviewer = new PanelReviewer(
      { showGate: (gate) => this.onGate(gate), defaultFolder: () => host.defaultFolder() },
      this.abort.signal,
    );
    this.progress.working(start.firstMessage);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The gate waiting for the person, if any. */
  get gate(): Gate | undefined {
    return this.reviewer.gate;
  }

  /** The names the panel shows for the analysts, from the prompt library. */
  nameAnalysts(analysts: ReadonlyArray<{ id: string; name: string }>): void {
    for (const a of analysts) this.analystNames.set(a.id, a.name);
  }

  /** A panel answer to the waiting gate; false when no gate of this run takes it. */
  answer(message: FromWebview): Promise<boolean> {
    return this.reviewer.handle(message);
  }

  /** True while the run only waits for its overnight batch (no gate is open). */
  get waitingOvernight(): boolean {
    return (this.overnight === 'submitted' || this.overnight === 'in-progress') && !this.reviewer.gate && !this.ended;
  }

  /** True when the person set the run aside to start another one. */
  get setAside(): boolean {
    return this.setAsideByPerson;
  }

  /**
   * Stops waiting for the overnight batch so that another analysis can run in this window. The
   * batch goes on at the API; the run is saved as stopped and polled again later (never resent).
   */
  stopWaitingOvernight(): void {
    this.setAsideByPerson = true;
    this.cancel();
  }

  /** Cancel: a waiting gate resolves with "cancel" and calls in flight are aborted. */
  cancel(): void {
    this.abort.abort();
    this.reviewer.cancel();
  }

  view(): ActiveRunView {
    return {
      id: this.id,
      title: this.title,
      step: this.step,
      status: this.status,
      costUsd: this.costUsd,
      budgetUsd: this.demo ? null : this.budgetUsd,
      working: this.working,
      analysts: [...this.analysts].map(([id, status]) => ({ id, name: this.analystNames.get(id) ?? id, status })),
      notices: this.notices,
    };
  }

  statusBarView(): StatusBarView {
    return {
      step: this.step,
      costUsd: this.costUsd,
      budgetUsd: this.budgetUsd,
      awaiting: this.reviewer.gate !== undefined,
      working: this.working,
      demo: this.demo,
    };
  }

  private onGate(gate: Gate | null): void {
    if (this.ended) return;
    if (gate) {
      this.working = false;
      this.progress.idle();
      this.host.revealPanel();
    } else {
      this.working = true;
      this.progress.working(stepName(labelStrings(), this.step));
    }
    this.host.changed();
  }

  onEvent(event: WorkflowEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'step-start':
        this.step = event.step;
        if (!this.reviewer.gate) {
          this.working = true;
          this.progress.working(stepName(labelStrings(), event.step));
        }
        if (event.step === 'fulltext' && this.id) this.host.drafts.reset(this.id);
        break;
      case 'step-end':
        break;
      case 'awaiting':
        this.working = false;
        this.progress.idle();
        break;
      case 'cost':
        this.costUsd = event.totalUsd;
        if (event.budgetUsd !== undefined) this.budgetUsd = event.budgetUsd;
        break;
      case 'analyst-start':
        this.setAnalyst(event.analyst, 'running');
        break;
      case 'analyst-done':
        this.setAnalyst(event.analyst, 'done');
        break;
      case 'analyst-failed':
        this.host.log.warn(`Analyst ${event.analyst} failed: ${event.error}`);
        this.setAnalyst(event.analyst, 'failed');
        break;
      case 'text':
        // Streamed text only feeds the draft tab; the panel and status bar do not change.
        if (event.step === 'fulltext' && this.id) void this.host.drafts.append(this.id, this.title, event.delta);
        return;
      case 'documents-changed':
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            '{0} changed on disk since the analysis read it. The analysis goes on with the version it read; start a new analysis to use the new one.',
            inert(event.paths.map(plainName).join(', '), 300),
          ),
        );
        return;
      case 'overnight':
        this.overnight = event.status;
        if (event.status === 'results-ready') {
          void vscode.window.showInformationMessage(
            vscode.l10n.t('The overnight results of "{0}" are in: the analysis goes on to its next checkpoint.', inert(this.title)),
          );
        }
        break;
      case 'draft':
        // The document written by sections, in document order as the sections arrive.
        if (this.id) void this.host.drafts.replace(this.id, this.title, event.parts);
        return;
      case 'document':
        // The final document is written: its draft tab has served.
        if (event.kind === 'final' && this.id) void this.host.drafts.close(this.id);
        return;
      case 'state':
        this.id = event.state.id;
        this.title = runTitle(event.state);
        this.status = event.state.status;
        this.step = event.state.step;
        this.costUsd = runCost(event.state);
        this.budgetUsd = budgetOf(event.state, this.settingBudgetUsd);
        this.notices = noticeTexts(event.state.notices);
        this.overnight = overnightOf(event.state);
        this.host.saved(event.state);
        break;
    }
    this.host.changed();
  }

  private setAnalyst(id: string, status: AnalystStatus): void {
    this.analysts.set(id, status);
    const all = [...this.analysts.values()];
    const finished = all.filter((s) => s !== 'running').length;
    if (!this.reviewer.gate) this.progress.working(vscode.l10n.t('Analysts: {0} of {1} finished', finished, all.length));
  }

  /** The run ended (or the window closes): later events and gates change nothing. */
  dispose(): void {
    this.ended = true;
    this.progress.dispose();
    this.reviewer.dispose();
    if (this.id) void this.host.drafts.close(this.id);
  }
}

/** The overnight status the panel cares about, from a saved state. */
function overnightOf(state: Readonly<WorkflowState>): 'submitted' | 'in-progress' | 'results-ready' | undefined {
  const status = state.overnight?.status;
  return status === 'submitted' || status === 'in-progress' || status === 'results-ready' ? status : undefined;
}
