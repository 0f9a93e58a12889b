/**
 * The Reviewer port for the VS Code layer: each gate of the workflow becomes a form in the
 * Analysis panel, and the promise resolves when the person clicks.
 *
 * Owns: turning gate requests into panel gates (with an id, so stale clicks are ignored),
 * turning panel messages into decisions (the editing of the sources gate is in sourcesGate.ts), and resolving a
 * waiting gate with "cancel" when the run is cancelled. Must not: run workflow steps or talk to
 * the webview directly (it goes through GateHost).
 */
import * as vscode from 'vscode';
import type {
  BudgetDecision,
  BudgetView,
  ClarificationAnswer,
  ClarificationQuestion,
  FailureDecision,
  FailureView,
  OutlineDecision,
  OutlineView,
  ProposalDecision,
  ProposalView,
  Reviewer,
  SourceChoice,
  SourceChoiceRequest,
} from '../core/ports';
import type { FromWebview, Gate } from '../shared/protocol';
import { ALL_TYPES, SourcesGateEditor } from './sourcesGate';

export interface GateHost {
  /** Shows a gate in the panel (or clears it with null) and reveals the panel. */
  showGate(gate: Gate | null): void;
  /** Folder the file pickers start in. */
  defaultFolder(): vscode.Uri | undefined;
}

interface Pending {
  gate: Gate;
  /** Maps a panel message to the answer, or undefined when the message is not for this gate. */
  answer: (message: FromWebview) => unknown;
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

  private ask<T>(gate: Gate, cancelValue: T, answer: (message: FromWebview) => T | undefined, sources?: SourceChoiceRequest): Promise<T> {
    if (this.signal?.aborted) return Promise.resolve(cancelValue);
    // A new gate replaces an older unanswered one (it can no longer be answered).
    this.pending?.resolve(this.pending.cancelValue);
    return new Promise<T>((resolve) => {
      const pending: Pending = { gate, answer, cancelValue, resolve: resolve as (value: unknown) => void };
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
    const value = p.answer(message);
    if (value === undefined) return false;
    this.settle(value);
    return true;
  }

  chooseSources(request: SourceChoiceRequest): Promise<SourceChoice> {
    const gate: Gate = {
      kind: 'sources',
      gateId: nextGateId++,
      need: request.need,
      rationale: request.rationale,
      webSearchAvailable: request.webSearchAvailable,
      // Asked again: the reasons, and the rest of the previous choice, kept.
      contextFiles: [...(request.previous?.contextFiles ?? [])],
      ...(request.previous?.briefingFile ? { briefingFile: request.previous.briefingFile } : {}),
      ...(request.previous ? { webSearch: request.previous.webSearch } : {}),
      ...(request.problem ? { problem: request.problem } : {}),
      types: [...ALL_TYPES],
      documents: [],
      budgetTokens: request.budgetTokens,
      availableTokens: 0,
      selectedTokens: 0,
      reading: false,
    };
    return this.ask<SourceChoice>(
      gate,
      { kind: 'cancel' },
      (m) => {
        if (m.type !== 'sources-continue' || gate.kind !== 'sources') return undefined;
        return {
          kind: 'choose',
          contextFiles: [...gate.contextFiles],
          ...(gate.briefingFile ? { briefingFile: gate.briefingFile } : {}),
          types: [...gate.types],
          webSearch: request.webSearchAvailable && m.webSearch,
        };
      },
      request,
    );
  }

  answerClarifications(questions: ClarificationQuestion[]): Promise<ClarificationAnswer> {
    const gate: Gate = {
      kind: 'clarify',
      gateId: nextGateId++,
      questions: questions.map((q) => ({ id: q.id, question: q.question })),
    };
    const ids = new Set(questions.map((q) => q.id));
    return this.ask<ClarificationAnswer>(gate, { kind: 'cancel' }, (m) => {
      if (m.type === 'clarify-skip') return { kind: 'skip' };
      if (m.type !== 'clarify-answer') return undefined;
      const answers: Record<string, string> = {};
      for (const [id, text] of Object.entries(m.answers)) if (ids.has(id) && text.trim()) answers[id] = text.trim();
      return Object.keys(answers).length ? { kind: 'answer', answers } : { kind: 'skip' };
    });
  }

  reviewProposal(view: ProposalView): Promise<ProposalDecision> {
    const gate: Gate = {
      kind: 'proposal',
      gateId: nextGateId++,
      proposal: { ...view.proposal },
      synthesizers: view.availableSynthesizers.map((s) => ({ id: s.id, name: s.name, score: s.score })),
      templates: view.availableTemplates.map((t) => ({ id: t.id, name: t.name })),
      analysts: view.availableAnalysts.map((a) => ({ id: a.id, name: a.name })),
      webSearchAvailable: view.webSearchAvailable,
      language: view.language,
      languageSource: view.languageSource,
      overnightAvailable: view.overnightAvailable ?? false,
      budgetLimitUsd: view.budgetLimitUsd ?? null,
    };
    return this.ask<ProposalDecision>(gate, { kind: 'cancel' }, (m) => {
      if (m.type === 'proposal-approve') return { kind: 'approve' };
      if (m.type !== 'proposal-modify') return undefined;
      const changes = { ...m.changes };
      if (!view.webSearchAvailable) delete changes.webSearch;
      if (!view.overnightAvailable) delete changes.overnight;
      return { kind: 'modify', changes };
    });
  }

  reviewOutline(view: OutlineView): Promise<OutlineDecision> {
    const gate: Gate = {
      kind: 'outline',
      gateId: nextGateId++,
      current: view.current,
      revisions: view.revisions.map((r) => ({ n: r.n, text: r.text, author: r.author, feedback: r.feedback })),
    };
    return this.ask<OutlineDecision>(gate, { kind: 'cancel' }, (m) => {
      if (m.type === 'outline-approve') {
        const edited = m.editedText?.trim() && m.editedText !== view.current ? m.editedText : undefined;
        return edited ? { kind: 'approve', editedText: edited } : { kind: 'approve' };
      }
      if (m.type === 'outline-changes') return { kind: 'request-changes', feedback: m.feedback.trim() };
      return undefined;
    });
  }

  decideOnBudget(view: BudgetView): Promise<BudgetDecision> {
    const gate: Gate = { kind: 'budget', gateId: nextGateId++, ...view };
    return this.ask<BudgetDecision>(gate, { kind: 'cancel' }, (m) => {
      if (m.type !== 'budget-decide') return undefined;
      if (m.decision === 'raise') {
        // A raise must go above the current budget; otherwise the gate stays open.
        return m.budgetUsd !== undefined && m.budgetUsd > view.budgetUsd ? { kind: 'raise', budgetUsd: m.budgetUsd } : undefined;
      }
      if (m.decision === 'continue-partial') return view.partialAllowed ? { kind: 'continue-partial' } : undefined;
      return { kind: 'cancel' };
    });
  }

  decideOnFailures(view: FailureView): Promise<FailureDecision> {
    const gate: Gate = {
      kind: 'failures',
      gateId: nextGateId++,
      failed: view.failed.map((f) => ({ id: f.id, errors: [...f.errors] })),
      succeeded: [...view.succeeded],
      threshold: view.threshold,
    };
    return this.ask<FailureDecision>(gate, { kind: 'abort' }, (m) => {
      if (m.type !== 'failures-decide') return undefined;
      // Continuing with partial results is offered only when some analyst succeeded.
      if (m.decision === 'continue-partial' && view.succeeded.length === 0) return undefined;
      return { kind: m.decision };
    });
  }
}
