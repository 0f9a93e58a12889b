/**
 * The run controller: what each command and each panel click does, and how one run is driven.
 *
 * Owns: starting and resuming runs (one at a time), the run's AbortController, turning workflow
 * events into the status bar, the progress notification, the panel's view state and the live
 * draft of the final document; the review queue (from the state store); the notifications at the
 * end of a run with their next action. Must not: implement workflow steps (the core does), build
 * HTML (panel.ts) or read settings directly (config.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OrchestratorDeps, RunOutcome } from '../core/api';
import { errorMessage, isAbortError } from '../core/errors';
import type { PromptLibrary } from '../core/library';
import type { RunSummary, WorkflowEvent } from '../core/ports';
import { budgetOf } from '../core/budget';
import { runCost } from '../core/cost';
import { problemOverLimit } from '../core/problemSize';
import { FileStateStore, runTitle } from '../core/stateStore';
import type { StepName, WorkflowState } from '../core/state';
import { readSettings, type ExtensionSettings } from './config';
import { DraftDocuments } from './drafts';
import { EXPORT_COMMANDS } from './export/exportCommands';
import { createEngine, createProviders, loadLibrary } from './runFactories';
import { isWorkedExampleProblem, offerWorkedExample, workedExampleProblem } from './workedExample';
import { fixFor, openSettingAction, type FixAction } from './fixActions';
import { inert } from './inertText';
import type { ApiKeys } from './keys';
import type { ChannelLog } from './log';
import { AnalysisPanel } from './panel';
import { askProblem } from './problemInput';
import { WorkProgress } from './progress';
import type { ActiveRun, FromWebview, Gate, RunEntry, ViewState } from './protocol';
import { PanelReviewer } from './reviewer';
import { noticeTexts } from './runNotices';
import { queueEntries, withRun } from './runQueue';
import { AnalysisStatusBar, stepLabel } from './statusBar';
import { plainName, WorkspaceDocuments } from './workspaceDocuments';
import { webviewStrings } from './webviewStrings';

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

interface ActiveRunState {
  abort: AbortController;
  reviewer: PanelReviewer;
  progress: WorkProgress;
  id: string | null;
  title: string;
  step: StepName;
  status: WorkflowState['status'];
  costUsd: number;
  /** The run's hard budget (its own, else the setting's), `null` when none. */
  budgetUsd: number | null;
  settingBudgetUsd: number | null;
  working: boolean;
  demo: boolean;
  analysts: Map<string, 'running' | 'done' | 'failed'>;
  /** Analyst names from the prompt library, by id. */
  analystNames: Map<string, string>;
  notices: string[];
  finalPath?: string;
}

export interface ControllerOptions {
  context: vscode.ExtensionContext;
  log: ChannelLog;
  keys: ApiKeys;
}

export class AnalysisController implements vscode.Disposable {
  readonly panel: AnalysisPanel;
  private readonly statusBar = new AnalysisStatusBar(COMMANDS.openPanel);
  private readonly drafts = new DraftDocuments();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('strategicAnalysis');
  private readonly disposables: vscode.Disposable[] = [];
  private store: FileStateStore | undefined;
  private active: ActiveRunState | undefined;
  private runs: RunEntry[] = [];
  private runsLoaded = false;
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
    this.disposables.push(
      this.panel,
      this.statusBar,
      this.drafts,
      this.diagnostics,
      options.keys.onDidChange(() => void this.refreshAvailability()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('strategicAnalysis')) void this.refreshAvailability();
        if (e.affectsConfiguration('strategicAnalysis.prompts.folders')) this.scheduleLibraryCheck();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.languageId === 'markdown' && this.isPromptFile(doc.uri)) this.scheduleLibraryCheck();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleLibraryCheck()),
      { dispose: () => clearTimeout(this.libraryTimer) },
    );
    void this.refreshAvailability();
    void this.refreshRuns().then((runs) => this.resumeOvernight(runs));
    void this.checkLibrary();
  }

  private libraryTimer: ReturnType<typeof setTimeout> | undefined;

  private scheduleLibraryCheck(): void {
    clearTimeout(this.libraryTimer);
    this.libraryTimer = setTimeout(() => void this.checkLibrary(), 300);
  }

  /** A definition file the library reads: under `.claude/`, or in a folder named in the settings. */
  private isPromptFile(uri: vscode.Uri): boolean {
    const file = uri.fsPath;
    if (/[\\/]\.claude[\\/]/.test(file)) return true;
    const root = this.workspaceRoot()?.fsPath;
    return readSettings().promptFolders.some((folder) => {
      const abs = path.isAbsolute(folder) || !root ? path.resolve(folder) : path.resolve(root, folder);
      return file.startsWith(abs + path.sep);
    });
  }

  /** Loads the prompt library once to list unusable definition files in the Problems panel. */
  private async checkLibrary(): Promise<void> {
    try {
      const settings = readSettings();
      const library = await loadLibrary({
        bundledDir: vscode.Uri.joinPath(this.options.context.extensionUri, 'prompts').fsPath,
        workspaceFolders: libraryFolders(),
        extraFolders: settings.promptFolders,
      });
      this.showLibraryProblems(library);
    } catch (err) {
      this.options.log.warn(`Prompt library check failed: ${errorMessage(err)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // View state

  private workspaceRoot(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  viewState(): ViewState {
    const a = this.active;
    const active: ActiveRun | null = a
      ? {
          id: a.id,
          title: a.title,
          step: a.step,
          status: a.status,
          costUsd: a.costUsd,
          budgetUsd: a.demo ? null : a.budgetUsd,
          working: a.working,
          analysts: [...a.analysts].map(([id, status]) => ({ id, name: a.analystNames.get(id) ?? id, status })),
          notices: a.notices,
        }
      : null;
    return {
      demo: a ? a.demo : this.demoExpected,
      webSearchAvailable: this.webSearchAvailable,
      workspaceOpen: this.workspaceRoot() !== undefined,
      active,
      gate: a?.reviewer.gate ?? null,
      runs: this.runs,
      runsLoaded: this.runsLoaded,
    };
  }

  private async refreshAvailability(): Promise<void> {
    const settings = readSettings();
    const anthropic = await this.options.keys.has('anthropic');
    const exa = await this.options.keys.has('exa');
    this.demoExpected = settings.demoMode === 'on' || (settings.demoMode === 'auto' && !anthropic);
    this.webSearchAvailable = this.demoExpected || exa;
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

  private knownSecrets: string[] = [];

  async refreshRuns(): Promise<RunSummary[]> {
    let list: RunSummary[] = [];
    try {
      list = await this.getStore().list();
    } catch (err) {
      this.options.log.warn(`Could not list analyses: ${errorMessage(err)}`);
    }
    this.runs = queueEntries(list, this.active?.id ?? null);
    this.runsLoaded = true;
    this.panel.update();
    return list;
  }

  /**
   * After a restart, an overnight run whose batch is still out is polled again (never sent
   * again): the window that sent it may have been closed.
   */
  private async resumeOvernight(runs: RunSummary[]): Promise<void> {
    if (this.active || !this.workspaceRoot()) return;
    const waiting = runs.find((r) => (r.overnight === 'submitted' || r.overnight === 'in-progress') && r.status === 'running');
    if (!waiting) return;
    this.options.log.info(`Polling the overnight batch of ${waiting.id} again.`);
    await this.resume(waiting.id);
  }

  private upsertRun(state: Readonly<WorkflowState>): void {
    this.runs = withRun(this.runs, state);
  }

  private updateStatusBar(): void {
    const a = this.active;
    if (!a) {
      this.statusBar.hide();
      return;
    }
    this.statusBar.show({
      step: a.step,
      costUsd: a.costUsd,
      budgetUsd: a.budgetUsd,
      awaiting: a.reviewer.gate !== undefined,
      working: a.working,
      demo: a.demo,
    });
  }

  private refreshViews(): void {
    this.updateStatusBar();
    this.panel.update();
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  async openPanel(): Promise<void> {
    await this.panel.reveal(true);
  }

  private busy(): boolean {
    if (!this.active) return false;
    const show = vscode.l10n.t('Show');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('An analysis is already running. Finish or cancel it first.'), show)
      .then((picked) => {
        if (picked === show) void this.panel.reveal();
      });
    return true;
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
    if (this.busy() || !this.requireWorkspace()) return;
    let problem = typeof problemArg === 'string' ? problemArg.trim() : undefined;
    if (typeof problemArg === 'string' && !problem) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The problem is empty: describe what to analyse.'));
      return;
    }
    problem ??= await askProblem();
    if (!problem) return;
    // Refused before any paid call: a long text belongs in a context document.
    const over = problemOverLimit(problem);
    if (over) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'The problem is {0} characters long (about {1} tokens); a problem may have at most {2}, because it is sent with every model call. Nothing was sent. Keep the problem to the question itself and add the long text as a context document at the sources step.',
          over.chars.toLocaleString(vscode.env.language),
          over.tokens.toLocaleString(vscode.env.language),
          over.maxChars.toLocaleString(vscode.env.language),
        ),
      );
      return;
    }
    if ((options.demo ?? this.demoExpected) && !isWorkedExampleProblem(problem)) offerWorkedExample();
    await this.runWorkflow({ kind: 'start', problem, demo: options.demo });
  }

  /** Open the Worked Example: a demo run (free, whatever the keys) on the sample workspace's problem. */
  async openWorkedExample(): Promise<void> {
    const problem = await workedExampleProblem(this.options.context.extensionUri);
    await this.start(problem, { demo: true });
  }

  /** Resume Analysis: `idArg` names the run; otherwise a quick pick of unfinished runs. */
  async resume(idArg?: unknown): Promise<void> {
    if (this.busy() || !this.requireWorkspace()) return;
    let id = typeof idArg === 'string' && idArg ? idArg : undefined;
    if (!id) {
      const unfinished = (await this.refreshRuns()).filter((r) => r.status !== 'done');
      if (unfinished.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There is no unfinished analysis to resume.'));
        return;
      }
      const picked = await vscode.window.showQuickPick(
        unfinished.map((r) => ({
          id: r.id,
          label: r.title,
          // No run is active here: one recorded as under way was interrupted (its window is gone).
          description: `${r.status === 'running' || r.status === 'awaiting' ? vscode.l10n.t('interrupted') : statusLabel(r.status)} · ${stepLabel(r.step)}`,
          detail: new Date(r.updatedAt).toLocaleString(vscode.env.language),
        })),
        { title: vscode.l10n.t('Resume Analysis'), placeHolder: vscode.l10n.t('Choose the analysis to resume') },
      );
      if (!picked) return;
      id = picked.id;
    }
    await this.runWorkflow({ kind: 'resume', id });
  }

  /** Cancel Analysis: resolves a waiting gate with "cancel" and aborts calls in flight. */
  cancel(): void {
    if (!this.active) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No analysis is running.'));
      return;
    }
    this.options.log.info('Cancel requested by the person.');
    this.active.abort.abort();
    this.active.reviewer.cancel();
  }

  async showRunLog(idArg?: unknown): Promise<void> {
    let id = typeof idArg === 'string' && idArg ? idArg : (this.active?.id ?? undefined);
    if (!id) {
      const runs = await this.refreshRuns();
      if (runs.length === 0) {
        this.options.log.channel.show(true);
        return;
      }
      const picked =
        runs.length === 1
          ? { id: runs[0].id }
          : await vscode.window.showQuickPick(
              runs.map((r) => ({ id: r.id, label: r.title, description: statusLabel(r.status) })),
              { title: vscode.l10n.t('Show Run Log'), placeHolder: vscode.l10n.t('Choose the analysis') },
            );
      if (!picked) return;
      id = picked.id;
    }
    const store = this.getStore();
    try {
      const file = vscode.Uri.file(store.runLogPath(id));
      try {
        await vscode.workspace.fs.stat(file);
        await vscode.window.showTextDocument(file, { preview: true });
        return;
      } catch {
        const text = await store.readRunLog(id);
        if (!text) {
          // No such analysis, or nothing logged yet: no empty document, the output channel instead.
          void vscode.window.showInformationMessage(vscode.l10n.t('This analysis has no run log yet.'));
          this.options.log.channel.show(true);
          return;
        }
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
        await vscode.window.showTextDocument(doc, { preview: true });
      }
    } catch (err) {
      this.options.log.warn(`Run log of ${id} unavailable: ${errorMessage(err)}`);
      this.options.log.channel.show(true);
    }
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
        await this.exportRun(message.id, message.format);
        return;
      case 'command':
        await vscode.commands.executeCommand(
          message.command === 'start'
            ? COMMANDS.start
            : message.command === 'resume'
              ? COMMANDS.resume
              : message.command === 'setAnthropicKey'
                ? COMMANDS.setAnthropicKey
                : COMMANDS.showRunLog,
        );
        return;
      default: {
        const handled = (await this.active?.reviewer.handle(message)) ?? false;
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
    const entry = this.runs.find((r) => r.id === id);
    if (entry?.status === 'done') {
      await this.openFinalDocument(id);
      return;
    }
    await this.resume(id);
  }

  /** An export button of a finished analysis in the panel: the export commands do the work. */
  private async exportRun(id: string, format: 'docx' | 'pptx'): Promise<void> {
    const root = this.workspaceRoot();
    let rel: string | undefined;
    try {
      rel = (await this.getStore().load(id)).state.finalDocument?.path;
    } catch (err) {
      this.options.log.error(`Export of ${id}: its state could not be read: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('This analysis could not be exported: {0}', inert(errorMessage(err))));
      return;
    }
    if (!root || !rel) {
      void vscode.window.showErrorMessage(vscode.l10n.t('This analysis has no saved document to export.'));
      return;
    }
    const uri = vscode.Uri.joinPath(root, ...rel.replace(/\\/g, '/').split('/').filter(Boolean));
    await vscode.commands.executeCommand(format === 'docx' ? EXPORT_COMMANDS.word : EXPORT_COMMANDS.slides, uri);
  }

  private async openFinalDocument(id: string): Promise<void> {
    const root = this.workspaceRoot();
    try {
      const { state } = await this.getStore().load(id);
      const rel = state.finalDocument?.path;
      if (root && rel) {
        const uri = vscode.Uri.joinPath(root, ...rel.replace(/\\/g, '/').split('/').filter(Boolean));
        await vscode.window.showTextDocument(uri, { preview: false });
        return;
      }
      if (state.finalDocument) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: state.finalDocument.markdown });
        await vscode.window.showTextDocument(doc, { preview: false });
        return;
      }
      await this.showRunLog(id);
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The document of this analysis cannot be opened: {0}', inert(errorMessage(err))));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Running

  private async decideProviders(
    settings: ExtensionSettings,
    runDemo: boolean | undefined,
  ): Promise<{ demo: boolean; anthropicKey?: string; exaKey?: string } | undefined> {
    const keys = this.options.keys;
    const anthropic = await keys.get('anthropic');
    const exa = await keys.get('exa');
    this.knownSecrets = [anthropic?.value, exa?.value].filter((v): v is string => !!v);
    const demo = runDemo ?? (settings.demoMode === 'on' || (settings.demoMode === 'auto' && !anthropic));
    // A base URL that is not a URL: refused, never replaced by the public endpoint.
    const blocked = demo ? undefined : settings.blocking[0];
    if (blocked) {
      this.options.log.error(blocked.message);
      await this.offer((m, ...items) => vscode.window.showErrorMessage(m, ...items), inert(blocked.message), [
        openSettingAction(vscode.l10n.t('Open Settings'), blocked.setting),
      ]);
      return undefined;
    }
    if (!demo && !anthropic) {
      const set = vscode.l10n.t('Set API Key');
      const picked = await vscode.window.showErrorMessage(
        runDemo === false
          ? vscode.l10n.t('This analysis uses the Anthropic API: set an Anthropic API key to resume it.')
          : vscode.l10n.t('No Anthropic API key is set and demo mode is off.'),
        set,
      );
      if (picked === set) await vscode.commands.executeCommand(COMMANDS.setAnthropicKey);
      return undefined;
    }
    return { demo, anthropicKey: anthropic?.value, exaKey: exa?.value };
  }

  private async runWorkflow(request: { kind: 'start'; problem: string; demo?: boolean } | { kind: 'resume'; id: string }): Promise<void> {
    const root = this.workspaceRoot();
    if (!root) return;
    const { context, log } = this.options;
    const settings = readSettings(root);
    for (const problem of settings.problems) {
      log.warn(problem);
      void vscode.window.showWarningMessage(inert(problem));
    }

    let runDemo: boolean | undefined;
    if (request.kind === 'resume') {
      try {
        const loaded = await this.getStore().load(request.id);
        runDemo = loaded.state.demo;
        if (loaded.recoveredFromBackup) log.warn(`Run ${request.id}: ${loaded.recoveredFromBackup}`);
        if (loaded.state.status === 'done') {
          await this.openFinalDocument(request.id);
          return;
        }
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('This analysis cannot be resumed: {0}', inert(errorMessage(err))));
        return;
      }
    }
    const choice = await this.decideProviders(settings, request.kind === 'start' ? request.demo : runDemo);
    if (!choice || this.active) return;

    const abort = new AbortController();
    const progressTitle = choice.demo ? vscode.l10n.t('Strategic Analysis (demo)') : vscode.l10n.t('Strategic Analysis');
    const active: ActiveRunState = {
      abort,
      reviewer: undefined as unknown as PanelReviewer,
      progress: new WorkProgress(progressTitle, abort),
      id: request.kind === 'resume' ? request.id : null,
      title: request.kind === 'resume' ? (this.runs.find((r) => r.id === request.id)?.title ?? request.id) : request.problem.slice(0, 80),
      step: 'parse',
      status: 'running',
      costUsd: 0,
      budgetUsd: settings.orchestrator.maxUsdPerRun,
      settingBudgetUsd: settings.orchestrator.maxUsdPerRun,
      working: true,
      demo: choice.demo,
      analysts: new Map(),
      analystNames: new Map(),
      notices: [],
    };
    active.reviewer = new PanelReviewer(
      {
        showGate: (gate) => this.onGate(active, gate),
        defaultFolder: () => this.workspaceRoot(),
      },
      abort.signal,
    );
    this.active = active;
    void vscode.commands.executeCommand('setContext', 'strategicAnalysis.running', true);
    active.progress.working(request.kind === 'start' ? stepLabel('parse') : vscode.l10n.t('Resuming…'));
    this.refreshViews();
    log.info(`${request.kind === 'start' ? 'Starting' : `Resuming ${request.id}`}${choice.demo ? ' in demo mode' : ''}.`);

    let outcome: RunOutcome | undefined;
    let thrown: unknown;
    try {
      const [providers, library, { FileDocuments }] = await Promise.all([
        createProviders({
          demo: choice.demo,
          anthropicKey: choice.anthropicKey,
          exaKey: choice.exaKey,
          anthropicBaseUrl: settings.anthropicBaseUrl,
          exaBaseUrl: settings.exaBaseUrl,
          log,
        }),
        loadLibrary({
          bundledDir: vscode.Uri.joinPath(context.extensionUri, 'prompts').fsPath,
          workspaceFolders: libraryFolders(),
          extraFolders: settings.promptFolders,
        }),
        import('../lazy/documents'),
      ]);
      this.showLibraryProblems(library);
      for (const a of library.analysts) active.analystNames.set(a.id, a.name);
      const workspace = new WorkspaceDocuments({
        root,
        memento: context.workspaceState,
        log,
        onWritten: (rel, kind) => {
          if (kind === 'final') {
            active.finalPath = rel;
            if (active.id) void this.drafts.close(active.id);
          }
        },
      });
      const deps: OrchestratorDeps = {
        model: providers.model,
        search: providers.search,
        reviewer: active.reviewer,
        store: this.getStore(),
        workspace,
        documents: new FileDocuments({ roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) }),
        library,
        log,
        settings: settings.orchestrator,
        prices: settings.prices,
        onEvent: (event) => this.onEvent(active, event),
      };
      const engine = await createEngine(deps);
      outcome =
        request.kind === 'start'
          ? await engine.start(request.problem, { signal: abort.signal })
          : await engine.resume(request.id, { signal: abort.signal });
    } catch (err) {
      thrown = err;
    } finally {
      active.progress.dispose();
      active.reviewer.dispose();
      if (this.active === active) this.active = undefined;
      void vscode.commands.executeCommand('setContext', 'strategicAnalysis.running', false);
      if (active.id) void this.drafts.close(active.id);
      this.refreshViews();
      void this.refreshRuns();
    }
    // Not awaited: the notification waits for the person, the command is done.
    void this.report(active, outcome, thrown);
  }

  private onGate(active: ActiveRunState, gate: Gate | null): void {
    if (this.active !== active) return;
    if (gate) {
      active.working = false;
      active.progress.idle();
      void this.panel.reveal();
    } else {
      active.working = true;
      active.progress.working(stepLabel(active.step));
    }
    this.refreshViews();
  }

  private onEvent(active: ActiveRunState, event: WorkflowEvent): void {
    if (this.active !== active) return;
    switch (event.type) {
      case 'step-start':
        active.step = event.step;
        if (!active.reviewer.gate) {
          active.working = true;
          active.progress.working(stepLabel(event.step));
        }
        if (event.step === 'fulltext' && active.id) this.drafts.reset(active.id);
        break;
      case 'step-end':
        break;
      case 'awaiting':
        active.working = false;
        active.progress.idle();
        break;
      case 'cost':
        active.costUsd = event.totalUsd;
        if (event.budgetUsd !== undefined) active.budgetUsd = event.budgetUsd;
        break;
      case 'analyst-start':
        active.analysts.set(event.analyst, 'running');
        this.reportAnalysts(active);
        break;
      case 'analyst-done':
        active.analysts.set(event.analyst, 'done');
        this.reportAnalysts(active);
        break;
      case 'analyst-failed':
        active.analysts.set(event.analyst, 'failed');
        this.options.log.warn(`Analyst ${event.analyst} failed: ${event.error}`);
        this.reportAnalysts(active);
        break;
      case 'text':
        // Streamed text only feeds the draft tab; the panel and status bar do not change.
        if (event.step === 'fulltext' && active.id) void this.drafts.append(active.id, active.title, event.delta);
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
        if (event.status === 'results-ready') {
          void vscode.window.showInformationMessage(
            vscode.l10n.t('The overnight results of "{0}" are in: the analysis goes on to its next checkpoint.', inert(active.title)),
          );
        }
        break;
      case 'document':
        if (event.kind === 'final') {
          active.finalPath = event.path;
          if (active.id) void this.drafts.close(active.id);
        }
        return;
      case 'state':
        active.id = event.state.id;
        active.title = runTitle(event.state);
        active.status = event.state.status;
        active.step = event.state.step;
        active.costUsd = runCost(event.state);
        active.budgetUsd = budgetOf(event.state, active.settingBudgetUsd);
        active.notices = noticeTexts(event.state.notices);
        if (event.state.finalDocument?.path) active.finalPath = event.state.finalDocument.path;
        this.upsertRun(event.state);
        break;
    }
    this.refreshViews();
  }

  private reportAnalysts(active: ActiveRunState): void {
    const all = [...active.analysts.values()];
    const finished = all.filter((s) => s !== 'running').length;
    if (!active.reviewer.gate) {
      active.progress.working(vscode.l10n.t('Analysts: {0} of {1} finished', finished, all.length));
    }
  }

  /** Skipped files as warnings; notes (replaced definitions, files not offered) as information. */
  private showLibraryProblems(library: Pick<PromptLibrary, 'problems' | 'notes'>): void {
    const problems = library.problems;
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const entries = [
      ...problems.map((p) => ({ ...p, severity: vscode.DiagnosticSeverity.Warning })),
      ...(library.notes ?? []).map((p) => ({ ...p, severity: vscode.DiagnosticSeverity.Information })),
    ];
    for (const p of entries) {
      const line = Math.max(0, (p.line ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, p.severity);
      d.source = vscode.l10n.t('Strategic Analysis prompt library');
      const list = byFile.get(p.path) ?? [];
      list.push(d);
      byFile.set(p.path, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    if (problems.length) this.options.log.warn(`Prompt library: ${problems.length} file(s) skipped, see the Problems panel.`);
  }

  private async report(active: ActiveRunState, outcome: RunOutcome | undefined, thrown: unknown): Promise<void> {
    const log = this.options.log;
    // The title comes from the model and errors may echo its answers: never markup here.
    const title = inert(outcome ? runTitle(outcome.state) : active.title);
    const id = outcome?.state.id ?? active.id;
    const resume = vscode.l10n.t('Resume');
    const showLog = vscode.l10n.t('Show Run Log');

    if (outcome?.state.status === 'done') {
      log.info(`Analysis ${id} done.`);
      const open = vscode.l10n.t('Open document');
      const complete = vscode.l10n.t('The analysis "{0}" is complete.', title);
      // What went wrong without stopping the run (every web search failed) is said here too.
      const notices = noticeTexts(outcome.state.notices).map(inert);
      const picked = notices.length
        ? await vscode.window.showWarningMessage(`${complete} ${notices.join(' ')}`, open, showLog)
        : await vscode.window.showInformationMessage(complete, open, showLog);
      if (picked === open && id) await this.openFinalDocument(id);
      if (picked === showLog && id) await this.showRunLog(id);
      return;
    }
    const error = outcome?.error ?? (thrown === undefined ? undefined : thrown);
    if (outcome?.state.status === 'cancelled' || (error !== undefined && isAbortError(error))) {
      log.info(`Analysis ${id ?? ''} cancelled.`);
      if (!id) return;
      const picked = await vscode.window.showInformationMessage(
        vscode.l10n.t('The analysis "{0}" was cancelled. Its progress is saved: you can resume it.', title),
        resume,
      );
      if (picked === resume) await this.resume(id);
      return;
    }
    const message = error !== undefined ? log.redact(errorMessage(error)) : vscode.l10n.t('The analysis stopped.');
    log.error(`Analysis ${id ?? ''} failed: ${message}`);
    // The action that fixes this problem (the right key, the model, the endpoint), if any.
    const fix = fixFor(error, message);
    const actions: FixAction[] = [
      ...(fix ? [fix] : []),
      ...(id ? [{ label: resume, run: () => this.resume(id) }] : []),
      { label: showLog, run: async () => (id ? this.showRunLog(id) : log.channel.show(true)) },
    ];
    await this.offer((m, ...items) => vscode.window.showErrorMessage(m, ...items), vscode.l10n.t('The analysis "{0}" failed: {1}', title, inert(message)), actions);
  }

  /** Shows a notification with these actions and runs the one picked. */
  private async offer(
    show: (message: string, ...items: string[]) => Thenable<string | undefined>,
    message: string,
    actions: FixAction[],
  ): Promise<void> {
    const picked = await show(message, ...actions.map((a) => a.label));
    await actions.find((a) => a.label === picked)?.run();
  }

  dispose(): void {
    this.active?.abort.abort();
    this.active?.reviewer.dispose();
    this.active?.progress.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Workspace folders whose own definitions (`.claude/` agents and skills) are loaded: none in
 * Restricted Mode, where only the bundled library and the person's prompt folders are used.
 */
function libraryFolders(): string[] {
  if (!vscode.workspace.isTrusted) return [];
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

export function statusLabel(status: WorkflowState['status']): string {
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
