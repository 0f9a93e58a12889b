/**
 * The Reviewer port for the VS Code layer: each gate of the workflow becomes a form in the
 * Analysis panel, and the promise resolves when the person clicks.
 *
 * A thin adapter: each gate's request, answer and rules are defined once in src/shared/gates,
 * so a request reaches the panel as the core sent it (with the gate's kind and an id, so stale
 * clicks are ignored) and an answer reaches the core as the gate's decision.
 *
 * Owns: the one gate waiting at a time, resolving it when the person answers, and resolving it
 * with its "cancel" decision when the run is cancelled or another gate replaces it (the editing
 * of the sources gate is in sourcesGate.ts). Must not: copy or reshape a gate's fields, run
 * workflow steps, or talk to the webview directly (it goes through GateHost).
 */
import * as vscode from 'vscode';
import type { Reviewer, SourceChoiceRequest } from '../core/ports';
import { cancelDecision, decide, openGate, type GateDecisions, type GateKind, type GateRequests } from '../shared/gates';
import type { FromWebview, Gate } from '../shared/protocol';
import { SourcesGateEditor } from './sourcesGate';

export interface GateHost {
  /** Shows a gate in the panel (or clears it with null) and reveals the panel. */
  showGate(gate: Gate | null): void;
  /** Folder the file pickers start in. */
  defaultFolder(): vscode.Uri | undefined;
}

interface Pending {
  gate: Gate;
  cancelValue: unknown;
  resolve: (value: unknown) => void;
  /** For the sources gate: the editing of the chosen documents. */
  sources?: SourcesGateEditor;
}

let nextGateId = 1;

export class PanelReviewer implements Reviewer {
  private pending: Pending | undefined;
  private readonly onAbort = () => this.cancel();

  constructor(
    private readonly host: GateHost,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The gate waiting for the person, if any. */
  get gate(): Gate | undefined {
    return this.pending?.gate;
  }

  /** Shows the gate for `request` and resolves with the person's decision (or the gate's cancel one). */
  private ask<K extends GateKind>(kind: K, request: GateRequests[K], sources?: SourceChoiceRequest): Promise<GateDecisions[K]> {
    const cancelValue = cancelDecision(kind);
    if (this.signal?.aborted) return Promise.resolve(cancelValue);
    // A new gate replaces an older unanswered one (it can no longer be answered).
    this.pending?.resolve(this.pending.cancelValue);
    const gate: Gate = openGate(kind, nextGateId++, request);
    return new Promise<GateDecisions[K]>((resolve) => {
      const pending: Pending = { gate, cancelValue, resolve: resolve as (value: unknown) => void };
      if (sources && gate.kind === 'sources') {
        pending.sources = new SourcesGateEditor(gate, sources, {
          show: () => this.pending === pending && this.host.showGate(gate),
          current: () => this.pending === pending,
          defaultFolder: () => this.host.defaultFolder(),
        });
      }
      this.pending = pending;
      this.host.showGate(gate);
      if (gate.kind === 'sources' && (gate.contextFiles.length || gate.briefingFile)) void pending.sources?.refresh();
    });
  }

  private settle(value: unknown): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.host.showGate(null);
    p.resolve(value);
  }

  /** Resolves the waiting gate with its "cancel" answer. */
  cancel(): void {
    if (this.pending) this.settle(this.pending.cancelValue);
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.cancel();
  }

  /** Handles a panel message meant for the waiting gate; returns false when it is not one. */
  async handle(message: FromWebview): Promise<boolean> {
    const p = this.pending;
    if (!p || !('gateId' in message) || message.gateId !== p.gate.gateId) return false;
    if (p.sources && (await p.sources.handle(message))) return true;
    const value = message.type === 'answer' ? decide(p.gate, message) : undefined;
    if (value === undefined) return false;
    this.settle(value);
    return true;
  }

  chooseSources(request: SourceChoiceRequest): Promise<GateDecisions['sources']> {
    // The preview is the gate's to call; the rest of the request is what the panel shows.
    const { preview: _preview, ...shown } = request;
    return this.ask('sources', shown, request);
  }

  answerClarifications(questions: GateRequests['clarify']['questions']): Promise<GateDecisions['clarify']> {
    return this.ask('clarify', { questions });
  }

  reviewProposal(view: GateRequests['proposal']): Promise<GateDecisions['proposal']> {
    return this.ask('proposal', view);
  }

  reviewOutline(view: GateRequests['outline']): Promise<GateDecisions['outline']> {
    return this.ask('outline', view);
  }

  decideOnBudget(view: GateRequests['budget']): Promise<GateDecisions['budget']> {
    return this.ask('budget', view);
  }

  decideOnFailures(view: GateRequests['failures']): Promise<GateDecisions['failures']> {
    return this.ask('failures', view);
  }
}
