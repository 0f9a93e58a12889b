/**
 * The run controller: what each command and each panel click does, and the wiring of one run.
 *
 * Owns: the commands (start, resume, cancel, run log, panel), one run at a time, the panel's view
 * state, and wiring the active run to the status bar, the panel, the run list and the outcome
 * notification. Must not: implement workflow steps (the core does), reduce workflow events
 * (activeRun.ts), build HTML (panel.ts) or read settings directly (config.ts).
 */
import * as vscode from 'vscode';
import type { RunOutcome } from '../core/api';
import type { RunSummary } from '../core/ports';
import { FileStateStore } from '../core/stateStore';
import { sharedStatePreparer } from '../core/statePreparer';
import type { WorkflowState } from '../core/state';
import { stepName } from '../shared/labels';
import { ActiveRun } from './activeRun';
import { readSettings } from './config';
import { DraftDocuments } from './drafts';
import { inert } from './inertText';
import type { ApiKeys } from './keys';
import { LibraryDiagnostics } from './libraryDiagnostics';
import type { ChannelLog } from './log';
import { AnalysisPanel } from './panel';
import { problemOf } from './problemInput';
import type { FromWebview, ViewState } from '../shared/protocol';
import { chooseProviders, expectedProviders } from './providerChoice';
import { RunDocuments } from './runDocuments';
import { reportOutcome } from './runOutcome';
import { RunList } from './runQueue';
import { OvernightRuns } from './overnightRuns';
import { pickRunForLog, pickRunToResume } from './runPickers';
import { driveRun, type RunRequest } from './runWorkflow';
import { AnalysisStatusBar } from './statusBar';
import { labelStrings, webviewStrings } from './webviewStrings';
import { isWorkedExampleProblem, offerWorkedExample, workedExampleProblem } from './workedExample';

export const COMMANDS = {
  start: 'strategicAnalysis.start',
  resume: 'strategicAnalysis.resume',
  cancel: 'strategicAnalysis.cancel',
  showRunLog: 'strategicAnalysis.showRunLog',
  setAnthropicKey: 'strategicAnalysis.setAnthropicKey',
  clearAnthropicKey: 'strategicAnalysis.clearAnthropicKey',
  setExaKey: 'strategicAnalysis.setExaKey',
  clearExaKey: 'strategicAnalysis.clearExaKey',
  openPanel: 'strategicAnalysis.openPanel',
} as const;

export interface ControllerOptions {
  context: vscode.ExtensionContext;
  log: ChannelLog;
  keys: ApiKeys;
}

export class AnalysisController implements vscode.Disposable {
  readonly panel: AnalysisPanel;
  private readonly statusBar = new AnalysisStatusBar(COMMANDS.openPanel);
  private readonly drafts = new DraftDocuments();
  private readonly library: LibraryDiagnostics;
  private readonly runs: RunList;
  private readonly documents: RunDocuments;
  private readonly disposables: vscode.Disposable[] = [];
  private store: FileStateStore | undefined;
  /** The keys that are set, kept out of every saved state. */
  private knownSecrets: string[] = [];
  private active: ActiveRun | undefined;
  /** Settles when the active run has ended (its state saved, the views updated). */
  private activeEnded: Promise<void> = Promise.resolve();
  /** A run set aside is being replaced by a new one: nothing else may start meanwhile. */
  private replacing = false;
  private readonly overnight: OvernightRuns;
  private demoExpected = false;
  private webSearchAvailable = false;

  constructor(private readonly options: ControllerOptions) {
    const { context, log } = options;
    this.panel = new AnalysisPanel(
      context.extensionUri,
      log,
      () => this.viewState(),
      () => webviewStrings(),
      (message) => void this.onPanelMessage(message),
    );
    this.runs = new RunList(() => this.getStore().list(), log);
    this.documents = new RunDocuments(() => this.getStore(), () => this.workspaceRoot(), log);
    this.library = new LibraryDiagnostics(context.extensionUri, log);
    this.overnight = new OvernightRuns(context.workspaceState, log);
    this.disposables.push(
      this.panel,
      this.statusBar,
      this.drafts,
      this.library,
      options.keys.onDidChange(() => void this.refreshAvailability()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('strategicAnalysis')) void this.refreshAvailability();
      }),
    );
    void this.refreshAvailability();
    void this.refreshRuns().then((runs) => this.resumeOvernight(runs));
  }

  // -------------------------------------------------------------------------------------------
  // View state

  private workspaceRoot(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  viewState(): ViewState {
    const a = this.active;
    return {
      demo: a ? a.demo : this.demoExpected,
      webSearchAvailable: this.webSearchAvailable,
      workspaceOpen: this.workspaceRoot() !== undefined,
      active: a ? a.view() : null,
      gate: a?.gate ?? null,
      runs: this.runs.entries,
      runsLoaded: this.runs.loaded,
    };
  }

  private async refreshAvailability(): Promise<void> {
    const expected = await expectedProviders(this.options.keys, readSettings());
    this.demoExpected = expected.demo;
    this.webSearchAvailable = expected.webSearchAvailable;
    this.panel.update();
  }

  private getStore(): FileStateStore {
    if (!this.store) {
      const { context, log } = this.options;
      const root = (context.storageUri ?? context.globalStorageUri).fsPath;
      this.store = new FileStateStore(root, { log, secrets: () => this.knownSecrets });
    }
    return this.store;
  }

  async refreshRuns(): Promise<RunSummary[]> {
    const list = await this.runs.refresh(this.active?.id ?? null);
    this.panel.update();
    return list;
  }

  /**
   * After a restart, an overnight run whose batch is still out is polled again (never sent
   * again): the window that sent it may have been closed.
   */
  private async resumeOvernight(runs: RunSummary[]): Promise<void> {
    if (this.active || this.replacing || !this.workspaceRoot()) return;
    const waiting = this.overnight.toPoll(runs);
    if (!waiting) return;
    this.options.log.info(`Polling the overnight batch of ${waiting.id} again.`);
    await this.resume(waiting.id);
  }

  private refreshViews(): void {
    if (this.active) this.statusBar.show(this.active.statusBarView());
    else this.statusBar.hide();
    this.panel.update();
  }
  // -------------------------------------------------------------------------------------------
  // Commands

  async openPanel(): Promise<void> {
    await this.panel.reveal(true);
  }

  /**
   * Whether a new run can have this window: `busy` when another run holds it. A run that only
   * waits for its overnight batch can be set aside for the new one (`set-aside`): the batch goes
   * on at the API and the run is polled again once the new run ends, or is opened from the list.
   */
  private async room(): Promise<'free' | 'busy' | 'set-aside'> {
    if (this.replacing) return 'busy';
    const active = this.active;
    if (!active) return 'free';
    if (active.waitingOvernight) {
      // Until the new run is under way (or given up), the one set aside is not polled again.
      this.replacing = true;
      if (await this.overnight.offerToSetAside(active, this.activeEnded)) return 'set-aside';
      this.replacing = false;
      return this.active ? 'busy' : 'free';
    }
    const show = vscode.l10n.t('Show');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('An analysis is already running. Finish or cancel it first.'), show)
      .then((picked) => {
        if (picked === show) void this.panel.reveal();
      });
    return 'busy';
  }

  private requireWorkspace(): vscode.Uri | undefined {
    const root = this.workspaceRoot();
    if (root) return root;
    const open = vscode.l10n.t('Open Folder');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('Open a folder first: the analysis documents are saved in it.'), open)
      .then((picked) => {
        if (picked === open) void vscode.commands.executeCommand('workbench.action.files.openFolder');
      });
    return undefined;
  }

  /** Start Analysis. `problemArg` (a string) skips the questions, for scripted use. */
  async start(problemArg?: unknown, options: { demo?: boolean } = {}): Promise<void> {
    const room = await this.room();
    if (room === 'busy') return;
    try {
      if (!this.requireWorkspace()) return;
      const problem = await problemOf(problemArg);
      if (!problem) return;
      if ((options.demo ?? this.demoExpected) && !isWorkedExampleProblem(problem)) offerWorkedExample();
      await this.runWorkflow({ kind: 'start', problem, demo: options.demo });
    } finally {
      if (room === 'set-aside') this.endReplacing();
    }
  }

  /** A start or resume that set a run aside did not get under way: the one set aside is checked again. */
  private endReplacing(): void {
    if (!this.replacing) return;
    this.replacing = false;
    void this.refreshRuns().then((runs) => this.resumeOvernight(runs));
  }

  /** Open the Worked Example: a demo run (free, whatever the keys) on the sample workspace's problem. */
  async openWorkedExample(): Promise<void> {
    const problem = await workedExampleProblem(this.options.context.extensionUri);
    await this.start(problem, { demo: true });
  }

  /** Resume Analysis: `idArg` names the run; otherwise a quick pick of unfinished runs. */
  async resume(idArg?: unknown): Promise<void> {
    const room = await this.room();
    if (room === 'busy') return;
    try {
      await this.resumeRun(idArg);
    } finally {
      if (room === 'set-aside') this.endReplacing();
    }
  }

  private async resumeRun(idArg: unknown): Promise<void> {
    if (!this.requireWorkspace()) return;
    const id = typeof idArg === 'string' && idArg ? idArg : await pickRunToResume(await this.refreshRuns());
    if (!id) return;
    await this.runWorkflow({ kind: 'resume', id });
  }

  /** Cancel Analysis: resolves a waiting gate with "cancel" and aborts calls in flight. */
  cancel(): void {
    if (!this.active) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No analysis is running.'));
      return;
    }
    this.options.log.info('Cancel requested by the person.');
    this.active.cancel();
  }

  async showRunLog(idArg?: unknown): Promise<void> {
    let id = typeof idArg === 'string' && idArg ? idArg : (this.active?.id ?? undefined);
    if (!id) {
      const runs = await this.refreshRuns();
      if (runs.length === 0) {
        this.options.log.channel.show(true);
        return;
      }
      id = await pickRunForLog(runs);
      if (!id) return;
    }
    await this.documents.showRunLog(id);
  }

  // -------------------------------------------------------------------------------------------
  // Panel messages

  private async onPanelMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'cancel-run':
        this.cancel();
        return;
      case 'open-run':
        await this.openRun(message.id);
        return;
      case 'export-run':
        await this.documents.exportFinalDocument(message.id, message.format);
        return;
      case 'command':
        await vscode.commands.executeCommand(COMMANDS[message.command]);
        return;
      default: {
        const handled = (await this.active?.answer(message)) ?? false;
        if (!handled) this.options.log.debug(`Ignored a stale panel answer (${message.type}).`);
      }
    }
  }

  /** A click in the review queue: open a finished analysis, resume another one. */
  async openRun(id: string): Promise<void> {
    if (this.active && this.active.id === id) {
      await this.panel.reveal();
      return;
    }
    const entry = this.runs.find(id);
    if (entry?.status === 'done') {
      await this.documents.openFinalDocument(id);
      return;
    }
    await this.resume(id);
  }

  // -------------------------------------------------------------------------------------------
  // Running

  private async runWorkflow(request: RunRequest): Promise<void> {
    const root = this.workspaceRoot();
    if (!root) return;
    const { context, log } = this.options;
    const settings = readSettings(root);
    for (const problem of settings.problems) {
      log.warn(problem);
      void vscode.window.showWarningMessage(inert(problem));
    }

    let runDemo: boolean | undefined = request.kind === 'start' ? request.demo : undefined;
    if (request.kind === 'resume') {
      const resumable = await this.documents.resumable(request.id);
      if (!resumable) return;
      runDemo = resumable.demo;
    }
    const { choice, secrets } = await chooseProviders(this.options.keys, settings, runDemo, log);
    this.knownSecrets = secrets;
    if (!choice || this.active) return;

    const active = new ActiveRun(
      {
        id: request.kind === 'resume' ? request.id : null,
        title: request.kind === 'resume' ? (this.runs.find(request.id)?.title ?? request.id) : request.problem.slice(0, 80),
        demo: choice.demo,
        settingBudgetUsd: settings.orchestrator.maxUsdPerRun,
        firstMessage: request.kind === 'start' ? stepName(labelStrings(), 'parse') : vscode.l10n.t('Resuming…'),
      },
      {
        log,
        drafts: this.drafts,
        changed: () => this.refreshViews(),
        revealPanel: () => void this.panel.reveal(),
        saved: (state: Readonly<WorkflowState>) => this.runs.upsert(state),
        defaultFolder: () => this.workspaceRoot(),
      },
    );
    this.active = active;
    this.replacing = false;
    let ended = (): void => undefined;
    this.activeEnded = new Promise<void>((resolve) => (ended = resolve));
    if (request.kind === 'resume') await this.overnight.mark(request.id, false);
    void vscode.commands.executeCommand('setContext', 'strategicAnalysis.running', true);
    this.refreshViews();
    log.info(`${request.kind === 'start' ? 'Starting' : `Resuming ${request.id}`}${choice.demo ? ' in demo mode' : ''}.`);

    let outcome: RunOutcome | undefined;
    let thrown: unknown;
    try {
      outcome = await driveRun(active, request, {
        context,
        log,
        root,
        settings,
        choice,
        store: this.getStore(),
        libraryLoaded: (library) => this.library.show(library),
      });
    } catch (err) {
      thrown = err;
    } finally {
      active.dispose();
      if (this.active === active) this.active = undefined;
      void vscode.commands.executeCommand('setContext', 'strategicAnalysis.running', false);
      this.refreshViews();
      ended();
      // A run set aside for this one is checked again now that the window is free.
      void this.refreshRuns().then((runs) => this.resumeOvernight(runs));
    }
    if (active.setAside) return;
    // Not awaited: the notification waits for the person, the command is done.
    void reportOutcome(active, outcome, thrown, log, {
      openDocument: (id) => this.documents.openFinalDocument(id),
      showRunLog: (id) => this.showRunLog(id),
      resume: (id) => this.resume(id),
    });
  }

  dispose(): void {
    this.active?.abort.abort();
    this.active?.dispose();
    for (const d of this.disposables) d.dispose();
    void sharedStatePreparer.dispose();
  }
}
