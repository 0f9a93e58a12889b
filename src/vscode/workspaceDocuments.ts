/**
 * The Workspace port: reads context documents and writes the documents of a run into the
 * workspace folder, opening each as an editor tab.
 *
 * Owns: path resolution and confinement to the workspace folder, and the protection of the
 * person's edits: it remembers a hash of what it last wrote to each file, and when the file on
 * disk (or an unsaved editor) differs from that, it asks before replacing it (Overwrite / Save as
 * new file / Keep mine). Must not: decide file names (the core does) or stream drafts (drafts.ts).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Log, Workspace } from '../core/ports';
import { inert } from './inertText';

export type OverwriteChoice = 'overwrite' | 'new' | 'keep';
/** Asks the person what to do with a document they changed; `relativePath` names it. */
export type AskOverwrite = (relativePath: string) => Promise<OverwriteChoice>;

const HASHES_KEY = 'strategicAnalysis.writtenHashes';
const MAX_READ_BYTES = 20 * 1024 * 1024;

/** A file name for a notification: brackets, which a notification renders as link syntax, become look-alikes. */
export function plainName(name: string): string {
  return name.replace(/\[/g, '［').replace(/\]/g, '］').replace(/[\r\n]+/g, ' ');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Normalizes a workspace-relative path; throws when it is absolute or leaves the folder. */
export function safeRelativePath(relativePath: string): string {
  const p = relativePath.replace(/\\/g, '/').trim();
  if (!p || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) {
    throw new Error(vscode.l10n.t('The document path "{0}" must be relative to the workspace folder.', relativePath));
  }
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new Error(vscode.l10n.t('The document path "{0}" leaves the workspace folder.', relativePath));
  }
  return parts.join('/');
}

export async function askOverwriteModal(relativePath: string): Promise<OverwriteChoice> {
  const overwrite = vscode.l10n.t('Overwrite');
  const saveNew = vscode.l10n.t('Save as new file');
  const keep = vscode.l10n.t('Keep mine');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} was changed since the analysis wrote it.', inert(relativePath)),
    {
      modal: true,
      detail: vscode.l10n.t('The analysis has a new version of this document. Your changes are kept unless you choose Overwrite.'),
    },
    overwrite,
    saveNew,
    keep,
  );
  if (picked === overwrite) return 'overwrite';
  if (picked === saveNew) return 'new';
  return 'keep';
}

export interface WorkspaceDocumentsOptions {
  root: vscode.Uri;
  /** Where the hashes of written documents are kept (workspace state). */
  memento: vscode.Memento;
  log: Log;
  ask?: AskOverwrite;
  /** Open written documents as editor tabs (default true). */
  openDocuments?: boolean;
  /** Called after a document has been written (or kept), with its final relative path. */
  onWritten?: (relativePath: string, kind: 'analyst' | 'final' | 'log') => void;
}

/** Whether a file or folder is at `uri` (anything that cannot be stat'ed counts as absent). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export class WorkspaceDocuments implements Workspace {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly ask: AskOverwrite;

  constructor(private readonly options: WorkspaceDocumentsOptions) {
    this.ask = options.ask ?? askOverwriteModal;
  }

  get root(): vscode.Uri {
    return this.options.root;
  }

  uriOf(relativePath: string): vscode.Uri {
    return vscode.Uri.joinPath(this.options.root, ...safeRelativePath(relativePath).split('/'));
  }

  private resolveForRead(p: string): vscode.Uri {
    if (path.isAbsolute(p)) return vscode.Uri.file(p);
    return vscode.Uri.joinPath(this.options.root, ...p.replace(/\\/g, '/').split('/').filter(Boolean));
  }

  async readText(p: string): Promise<string> {
    const uri = this.resolveForRead(p);
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) throw new Error(vscode.l10n.t('{0} is a folder, not a document.', p));
      if (stat.size > MAX_READ_BYTES) throw new Error(vscode.l10n.t('{0} is too large to use as a context document.', p));
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') {
        throw new Error(vscode.l10n.t('The document {0} does not exist.', p));
      }
      if (err instanceof Error && !(err instanceof vscode.FileSystemError)) throw err;
      throw new Error(vscode.l10n.t('The document {0} cannot be read.', p));
    }
    try {
      return this.decoder.decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      throw new Error(vscode.l10n.t('{0} is not a UTF-8 text document.', p));
    }
  }

  private hashes(): Record<string, string> {
    return { ...this.options.memento.get<Record<string, string>>(HASHES_KEY, {}) };
  }

  private async remember(uri: vscode.Uri, text: string): Promise<void> {
    const all = this.hashes();
    all[uri.toString()] = sha256(text);
    await this.options.memento.update(HASHES_KEY, all);
  }

  private async readIfExists(uri: vscode.Uri): Promise<string | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return new TextDecoder('utf-8').decode(bytes);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
      throw err;
    }
  }

  private async freeName(relativePath: string): Promise<string> {
    const ext = path.posix.extname(relativePath);
    const base = relativePath.slice(0, relativePath.length - ext.length);
    for (let n = 2; n < 1000; n++) {
      const candidate = `${base}-${n}${ext}`;
      if (!(await uriExists(this.uriOf(candidate)))) return candidate;
    }
    throw new Error(vscode.l10n.t('No free file name next to {0}.', relativePath));
  }

  async writeDocument(relativePath: string, markdown: string, kind: 'analyst' | 'final' | 'log'): Promise<string> {
    let rel = safeRelativePath(relativePath);
    let uri = this.uriOf(rel);
    const openDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const onDisk = await this.readIfExists(uri);
    const current = openDoc?.isDirty ? openDoc.getText() : onDisk;
    const lastWritten = this.hashes()[uri.toString()];

    if (current !== undefined && current !== markdown && sha256(current) !== lastWritten) {
      const choice = await this.ask(rel);
      this.options.log.info(`Document ${rel} was changed by the person: ${choice}.`);
      if (choice === 'keep') {
        await this.open(uri, kind);
        this.options.onWritten?.(rel, kind);
        return rel;
      }
      if (choice === 'new') {
        rel = await this.freeName(rel);
        uri = this.uriOf(rel);
      } else if (openDoc?.isDirty) {
        // Replace the unsaved editor content too, so the editor and the file agree.
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(0, 0, openDoc.lineCount, 0), markdown);
        await vscode.workspace.applyEdit(edit);
      }
    }

    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
    await this.remember(uri, markdown);
    const reopened = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (reopened?.isDirty && reopened.getText() === markdown) await reopened.save();
    this.options.log.debug(`Wrote ${rel} (${kind}, ${markdown.length} characters).`);
    await this.open(uri, kind);
    this.options.onWritten?.(rel, kind);
    return rel;
  }

  private async open(uri: vscode.Uri, kind: 'analyst' | 'final' | 'log'): Promise<void> {
    if (kind === 'log' || this.options.openDocuments === false) return;
    try {
      await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: true });
    } catch (err) {
      this.options.log.warn(`Could not open ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
