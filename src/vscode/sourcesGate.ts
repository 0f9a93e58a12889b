/**
 * The sources gate in the panel: choosing files and whole folders (with a filter by type),
 * removing them again, and showing per document what it gives — its pages or slides, passages,
 * estimated tokens, whether it fits the context budget and what is left out — as the core's
 * preview reports it.
 *
 * Owns: the file and folder pickers, keeping the gate's list in step with the preview (a
 * folder becomes the documents found in it), and the localized text of document problems (by
 * problem code). Must not: read documents itself (the core's preview does, through the
 * Documents port) or decide what is sent (the context budget does).
 */
import * as vscode from 'vscode';
import type { DocumentPreview, DocumentProblem, SourceChoiceRequest, SourcesPreview } from '../core/ports';
import { extensionsOf } from '../documents/formats';
import { ALL_TYPES } from '../shared/gates';
import type { FromWebview, GateDocument, SourcesGate } from '../shared/protocol';
import { inert } from './inertText';

/** The person's words for a document problem, by its code (the core's English text is the fallback). */
export function documentProblemText(problem: DocumentProblem): string {
  const t = vscode.l10n.t;
  const name = problem.path;
  switch (problem.code) {
    case 'missing':
      return t('{0} does not exist (any more): it may have been moved, renamed or deleted. Choose it again.', name);
    case 'outside':
      return t('{0} is outside the workspace folder: copy it into the workspace (or add its folder to the workspace) and choose it there.', name);
    case 'folder':
      return t('{0} is a folder: add it with "Add folder".', name);
    case 'empty':
      return t('{0} is empty or holds no documents of the chosen types: choose another file or folder, or remove it.', name);
    case 'too-large':
      return t('{0} is too large: split it or export the part you need.', name);
    case 'unsupported': {
      const newer = /save it as (\.[a-z]+)/.exec(problem.message)?.[1];
      return newer
        ? t('{0} is in an older Office format: open it, save it as {1}, then choose that file.', name, newer)
        : t('{0} is not a supported document: use PDF, Word (.docx), Excel (.xlsx, .csv), PowerPoint (.pptx), Markdown, text or HTML.', name);
    }
    case 'encrypted':
      return t('{0} is protected by a password: save an unprotected copy and choose that one.', name);
    case 'corrupt':
      return t('{0} is damaged or not in the format its name says: open it to check it, or save it again.', name);
    case 'no-text':
      return t('{0} has no text to read (a scan, or images only): no text recognition is done; give the text in another document.', name);
    case 'unreadable':
      return t('{0} cannot be read: check its permissions, and that a text file is saved as UTF-8.', name);
    case 'loop':
      return t('{0} links back to a folder already taken (a symbolic-link loop): it is skipped.', name);
    case 'too-many':
      return t('Too many documents were chosen: only the first ones are taken. Choose a smaller folder or filter by type.');
  }
}

/** A reader's note (English, see src/lazy/*Reader.ts) in the person's language. */
export function documentNoteText(note: string): string {
  const t = vscode.l10n.t;
  let m = /^(\d+) of (\d+) pages have no text/.exec(note);
  if (m) return t('{0} of {1} pages have no text (images or scans) and are not used.', m[1], m[2]);
  m = /^Empty sheets not used: (.*)\.$/.exec(note);
  if (m) return t('Empty sheets not used: {0}.', m[1]);
  m = /^Slides without text, not used: (.*)\.$/.exec(note);
  if (m) return t('Slides without text, not used: {0}.', m[1]);
  return note;
}

/** A document as the panel shows it: the preview, its notes and problem in the person's words. */
function toGateDocument(d: DocumentPreview): GateDocument {
  return { ...d, notes: d.notes.map(documentNoteText), skipped: d.skipped === true, problem: d.problem ? documentProblemText(d.problem) : undefined };
}

export interface SourcesGateHost {
  /** Shows the gate again (after a change). */
  show(): void;
  /** Whether the gate is still the one waiting (a stale preview is dropped). */
  current(): boolean;
  defaultFolder(): vscode.Uri | undefined;
}

/** Handles the panel messages that edit the sources gate; false when `message` is not one. */
export class SourcesGateEditor {
  private generation = 0;

  constructor(
    private readonly gate: SourcesGate,
    private readonly request: SourceChoiceRequest,
    private readonly host: SourcesGateHost,
  ) {}

  /** Reads the chosen documents again (through the core's preview) and shows the result. */
  async refresh(): Promise<void> {
    const run = ++this.generation;
    const gate = this.gate;
    gate.reading = gate.contextFiles.length > 0 || gate.briefingFile !== undefined;
    this.host.show();
    let preview: SourcesPreview;
    try {
      preview = await this.request.preview({ contextFiles: [...gate.contextFiles], briefingFile: gate.briefingFile, types: [...gate.types] });
    } catch (err) {
      preview = { documents: [], budgetTokens: gate.budgetTokens, availableTokens: 0, selectedTokens: 0 };
      void vscode.window.showWarningMessage(vscode.l10n.t('The documents could not be read: {0}', inert(err instanceof Error ? err.message : String(err), 300)));
    }
    if (run !== this.generation || !this.host.current()) return;
    gate.documents = preview.documents.map(toGateDocument);
    // A folder stands for the documents found in it: each can then be removed on its own.
    const briefing = gate.briefingFile;
    gate.contextFiles = preview.documents.filter((d) => !d.skipped && d.path !== briefing).map((d) => d.path);
    gate.budgetTokens = preview.budgetTokens;
    gate.availableTokens = preview.availableTokens;
    gate.selectedTokens = preview.selectedTokens;
    gate.reading = false;
    this.host.show();
  }

  async handle(message: FromWebview): Promise<boolean> {
    const gate = this.gate;
    switch (message.type) {
      case 'pick-context-files': {
        const extensions = gate.types.flatMap(extensionsOf);
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: true,
          defaultUri: this.host.defaultFolder(),
          openLabel: vscode.l10n.t('Add'),
          title: vscode.l10n.t('Context documents'),
          filters: {
            [vscode.l10n.t('Documents')]: extensions.length ? extensions : extensionsOf('text'),
            [vscode.l10n.t('All files')]: ['*'],
          },
        });
        if (picked?.length && this.host.current()) {
          gate.contextFiles = [...new Set([...gate.contextFiles, ...picked.map((u) => u.fsPath)])];
          await this.refresh();
        }
        return true;
      }
      case 'pick-context-folder': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: true,
          canSelectFiles: false,
          canSelectFolders: true,
          defaultUri: this.host.defaultFolder(),
          openLabel: vscode.l10n.t('Add'),
          title: vscode.l10n.t('Folders of context documents'),
        });
        if (picked?.length && this.host.current()) {
          gate.contextFiles = [...new Set([...gate.contextFiles, ...picked.map((u) => u.fsPath)])];
          await this.refresh();
        }
        return true;
      }
      case 'set-document-types':
        gate.types = ALL_TYPES.filter((t) => message.types.includes(t));
        this.host.show();
        return true;
      case 'remove-context-file':
        gate.contextFiles = gate.contextFiles.filter((f) => f !== message.path);
        gate.documents = gate.documents.filter((d) => d.path !== message.path);
        await this.refresh();
        return true;
      case 'pick-briefing': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          defaultUri: this.host.defaultFolder(),
          openLabel: vscode.l10n.t('Use'),
          title: vscode.l10n.t('Research briefing'),
          filters: { [vscode.l10n.t('Research briefing (YAML)')]: ['yaml', 'yml'] },
        });
        if (picked?.[0] && this.host.current()) {
          gate.briefingFile = picked[0].fsPath;
          await this.refresh();
        }
        return true;
      }
      case 'remove-briefing':
        delete gate.briefingFile;
        await this.refresh();
        return true;
      default:
        return false;
    }
  }
}
