/**
 * Drives one run of the workflow: builds its providers, prompt library, documents and engine,
 * then starts or resumes it with the active run's reviewer, events and abort signal.
 *
 * Owns: putting the orchestrator's dependencies together for one run. Must not: talk to the
 * person (the active run and the outcome notification do) or decide whether a run may start
 * (providerChoice.ts does).
 */
import * as vscode from 'vscode';
import type { OrchestratorDeps, RunOutcome } from '../core/api';
import type { PromptLibrary } from '../core/library';
import type { StateStore } from '../core/ports';
import type { ActiveRun } from './activeRun';
import type { ExtensionSettings } from './config';
import { loadRunLibrary } from './libraryDiagnostics';
import type { ChannelLog } from './log';
import type { ProviderChoice } from './providerChoice';
import { createEngine, createProviders } from './runFactories';
import { WorkspaceDocuments } from './workspaceDocuments';

export type RunRequest = { kind: 'start'; problem: string; demo?: boolean } | { kind: 'resume'; id: string };

export interface RunEnvironment {
  context: vscode.ExtensionContext;
  log: ChannelLog;
  root: vscode.Uri;
  settings: ExtensionSettings;
  choice: ProviderChoice;
  store: StateStore;
  /** The library the run loaded, for the Problems panel. */
  libraryLoaded(library: PromptLibrary): void;
}

export async function driveRun(run: ActiveRun, request: RunRequest, env: RunEnvironment): Promise<RunOutcome> {
  const { context, log, settings, choice } = env;
  const [providers, library, { FileDocuments }] = await Promise.all([
    createProviders({
      demo: choice.demo,
      anthropicKey: choice.anthropicKey,
      exaKey: choice.exaKey,
      anthropicBaseUrl: settings.anthropicBaseUrl,
      exaBaseUrl: settings.exaBaseUrl,
      log,
    }),
    loadRunLibrary(context.extensionUri, settings.promptFolders),
    import('../lazy/documents'),
  ]);
  env.libraryLoaded(library);
  run.nameAnalysts(library.analysts);
  const deps: OrchestratorDeps = {
    model: providers.model,
    search: providers.search,
    reviewer: run.reviewer,
    store: env.store,
    workspace: new WorkspaceDocuments({ root: env.root, memento: context.workspaceState, log }),
    documents: new FileDocuments({ roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) }),
    library,
    log,
    settings: settings.orchestrator,
    prices: settings.prices,
    onEvent: (event) => run.onEvent(event),
  };
  const engine = await createEngine(deps);
  return request.kind === 'start'
    ? engine.start(request.problem, { signal: run.signal })
    : engine.resume(request.id, { signal: run.signal });
}
